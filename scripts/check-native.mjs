#!/usr/bin/env node
// Why: better-sqlite3 builds from source on machines that cannot download its prebuilt binary,
// and a silently skipped install script leaves a package that fails only at first request.
// Fail the install loudly instead.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
try {
  const Database = require("better-sqlite3");
  const db = new Database(":memory:");
  db.prepare("select 1").get();
  db.close();
} catch (err) {
  console.error("Gatehouse: the better-sqlite3 native addon did not load:", err.message);
  console.error("Build it with: npm_config_nodedir=/usr npm rebuild better-sqlite3  (needs python3, make, g++)");
  process.exit(1);
}
