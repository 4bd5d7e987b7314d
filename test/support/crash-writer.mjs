// Child process for test/crash-safety.test.ts: writes multi-record changes in a loop until it is
// killed. Each iteration is one transaction (an organization, a project in it and an audit event),
// committed with the store's settings; the iteration number goes to stdout only after COMMIT
// returns, so every number the parent reads names a committed change.
import Database from "better-sqlite3";

const [file, startArg] = process.argv.slice(2);
if (!file || !startArg) throw new TypeError("usage: crash-writer.mjs <db file> <first iteration>");

const db = new Database(file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.pragma("foreign_keys = ON");
db.pragma("busy_timeout = 5000");

const insertOrg = db.prepare("INSERT INTO orgs (id, name, version, created_at, updated_at) VALUES (?, ?, 1, ?, ?)");
const insertProject = db.prepare("INSERT INTO projects (id, org_id, name, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)");
const insertAudit = db.prepare(
  "INSERT INTO audit_events (at, actor_id, actor_label, org_id, project_id, action, target, outcome, ip, detail) VALUES (?, NULL, 'crash-writer', ?, ?, 'crash.write', ?, 'success', NULL, ?)",
);
// Padding makes each transaction span several pages, so a kill can land inside one.
const padding = "x".repeat(8192);

for (let i = Number(startArg); ; i++) {
  const t = new Date().toISOString();
  const orgId = `crash-org-${i}`;
  const projectId = `crash-project-${i}`;
  db.exec("BEGIN IMMEDIATE");
  insertOrg.run(orgId, `Crash org ${i}`, t, t);
  insertProject.run(projectId, orgId, `Crash project ${i}`, t, t);
  insertAudit.run(t, orgId, projectId, `crash:${i}`, JSON.stringify({ i, padding }));
  db.exec("COMMIT");
  // Synchronous for pipes on Linux: once the parent reads it, the commit has returned.
  process.stdout.write(`${i}\n`);
}
