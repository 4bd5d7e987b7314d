import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "@/lib/store";
import { MIGRATIONS } from "@/lib/store/sqlite/migrations";
import { tempDir } from "./support/runtime";

// The crash test: a child process writes multi-record changes in a loop, is SIGKILLed,
// and the database is reopened through the real store. Nothing it reported as committed may be
// lost; no change may be half there; the file must pass integrity_check.
const WRITER = fileURLToPath(new URL("./support/crash-writer.mjs", import.meta.url));
const ROUNDS = 3;
const COMMITS_PER_ROUND = 150;

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer from iteration `first`, SIGKILLs it once `count` commits are reported, returns the last reported. */
function writeUntilKilled(file: string, first: number, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, file, String(first)], { stdio: ["ignore", "pipe", "pipe"] });
    let last = first - 1;
    let buffered = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) last = Number(line);
      if (last >= first + count - 1) child.kill("SIGKILL");
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL" && last >= first + count - 1) resolve(last);
      else reject(new Error(`writer ended early (code ${code}, signal ${signal}) after ${last}: ${stderr}`));
    });
  });
}

const iterations = (db: Database.Database, sql: string) =>
  (db.prepare(sql).all() as { v: string }[]).map((r) => Number(r.v.replace(/^\D+/, ""))).sort((a, b) => a - b);

describe("crash safety", () => {
  it("keeps every committed multi-record change and no half-written one across SIGKILLs", async () => {
    dir = tempDir();
    const file = join(dir, "gatehouse.db");
    openSqliteStore(file).close(); // the real schema, by the real migrations

    let next = 1;
    for (let round = 0; round < ROUNDS; round++) {
      const reported = await writeUntilKilled(file, next, COMMITS_PER_ROUND);

      const store = openSqliteStore(file); // recovers the WAL as a restarted server would
      const db = new Database(file, { readonly: true });
      try {
        expect(await store.health()).toMatchObject({ ok: true, schemaVersion: MIGRATIONS.at(-1)!.version });
        expect(db.pragma("integrity_check")).toEqual([{ integrity_check: "ok" }]);
        expect(db.pragma("foreign_key_check")).toEqual([]);

        const orgs = iterations(db, "SELECT id AS v FROM orgs WHERE id LIKE 'crash-org-%'");
        const projects = iterations(db, "SELECT id AS v FROM projects WHERE id LIKE 'crash-project-%'");
        const audit = iterations(db, "SELECT target AS v FROM audit_events WHERE action = 'crash.write'");
        // Every change is all there or not at all…
        expect(projects).toEqual(orgs);
        expect(audit).toEqual(orgs);
        // …every reported commit survived, with no gaps; at most the change in flight is missing.
        const max = orgs.at(-1)!;
        expect(max).toBeGreaterThanOrEqual(reported);
        expect(orgs).toEqual(Array.from({ length: max }, (_, i) => i + 1));
        next = max + 1;
      } finally {
        db.close();
        store.close();
      }
    }
    expect(next - 1).toBeGreaterThanOrEqual(ROUNDS * COMMITS_PER_ROUND);
  });
});
