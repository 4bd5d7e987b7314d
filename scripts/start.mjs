#!/usr/bin/env node
// `npm start`: build when there is no build or it is stale, then serve the build with
// scripts/server.mjs (Next's request handler behind a small Node HTTP server; see there).
// Staleness is decided by a content hash of the sources (scripts/build-state.mjs), never mtimes.
// Options: --rebuild (build even when the build is current).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { isIP } from "node:net";
import { ensureBuild, ROOT, serverCommand } from "./build-state.mjs";

const log = (m) => console.log(`gatehouse: ${m}`);
process.env.NEXT_TELEMETRY_DISABLED = "1";

// Read .env / .env.local / .env.production(.local) the way Next does, so PORT, HOSTNAME and
// GATEHOUSE_TRUST_PROXY set there reach this script and the preload too (Next itself loads the
// files only once it runs). Variables already in the environment win.
try {
  const fromNext = createRequire(createRequire(import.meta.url).resolve("next/package.json"));
  const { loadEnvConfig } = fromNext("@next/env");
  const { loadedEnvFiles } = loadEnvConfig(ROOT, false, { info() {}, error: console.error });
  if (loadedEnvFiles.length) log(`read ${loadedEnvFiles.map((f) => f.path).join(", ")}`);
} catch (err) {
  log(`could not read .env files: ${err.message}`);
}

const port = process.env.PORT?.trim() || "3000";
if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
  console.error(`gatehouse: PORT must be a number from 1 to 65535 (got "${port}").`);
  process.exit(2);
}

const build = await ensureBuild({ log, force: process.argv.includes("--rebuild") });
if (!build.ok) {
  console.error(`gatehouse: ${build.reason}; not starting. Fix the error above and run npm start again.`);
  process.exit(build.code || 1);
}

// HOSTNAME picks the listen address (default: all interfaces). Containers and some shells export
// HOSTNAME as the machine's own name; binding to that would make http://localhost unreachable, so
// only an address or "localhost" counts.
let host = process.env.HOSTNAME?.trim() || undefined;
if (host && !isIP(host) && host !== "localhost") {
  log(`HOSTNAME="${host}" is a machine name, not a listen address; listening on all interfaces`);
  host = undefined;
}

log(`starting the server on port ${port}`);
const server = serverCommand({ port, host });
const child = spawn(server.cmd, server.args, { cwd: ROOT, stdio: "inherit", env: server.env });

// The server is our child, not a replacement of this process: pass signals on so that stopping
// `npm start` (Ctrl-C, docker stop, systemd) stops the server and lets it close the database.
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  });
}
child.on("error", (err) => {
  console.error(`gatehouse: could not start the server: ${err.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (signal) {
    // Die of the same signal, so whoever started us sees why the server stopped.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 1);
  }
});
