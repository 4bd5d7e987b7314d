import Database from "better-sqlite3";
import { copyFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GatehouseError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { opensslBytes } from "@/test/support/openssl";
import { tempDir } from "@/test/support/runtime";
import type { OrgRecord, Store } from "../types";
import { BACKSTOP_CHECKPOINT_PAGES, migrate, openSqliteStore, PAGE_CACHE_KIB } from "./index";
import { MIGRATIONS } from "./migrations";

let dir: string;
let file: string;
let store: Store;
const raw: Database.Database[] = [];

const openRaw = () => {
  const db = new Database(file);
  raw.push(db);
  return db;
};
const org = (name: string): OrgRecord => ({ id: newId(), name, version: 1, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z" });
const tick = () => new Promise((r) => setTimeout(r, 5));

beforeEach(() => {
  dir = tempDir();
  file = join(dir, "gatehouse.db");
  store = openSqliteStore(file);
});
afterEach(() => {
  for (const db of raw.splice(0)) db.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe("migrations", () => {
  it("are applied once: reopening is idempotent and records each version a single time", async () => {
    const latest = MIGRATIONS.at(-1)!.version;
    expect(await store.health()).toEqual({ ok: true, kind: "sqlite", schemaVersion: latest });
    await store.transaction((tx) => tx.orgs.insert(org("Survives reopen")));
    store.close();
    store = openSqliteStore(file);
    store.close();
    store = openSqliteStore(file);
    const rows = openRaw().prepare("SELECT version, name FROM schema_migrations").all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(rows[0]).toEqual({ version: 1, name: "foundation" });
    expect(await store.orgs.getByName("Survives reopen")).not.toBeNull();
    expect((await store.health()).schemaVersion).toBe(latest);
  });

  it("apply a new numbered migration exactly once, and roll back a failing one completely", () => {
    const db = openRaw();
    const n = MIGRATIONS.at(-1)!.version;
    const next = [...MIGRATIONS, { version: n + 1, name: "add-notes", sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY)" }];
    expect(migrate(db, next)).toBe(n + 1);
    expect(migrate(db, next)).toBe(n + 1);
    const broken = [...next, { version: n + 2, name: "broken", sql: "CREATE TABLE half (id INTEGER); THIS IS NOT SQL" }];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.prepare("SELECT version FROM schema_migrations ORDER BY version").all()).toEqual(next.map((m) => ({ version: m.version })));
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
  });
});

/** A database as a version that stopped at migration `version` left it, with organization 'o' and project 'p'. */
function databaseAt(version: number) {
  const db = new Database(join(dir, "old.db"));
  raw.push(db);
  migrate(db, MIGRATIONS.filter((m) => m.version <= version));
  const t = "2026-01-01T00:00:00.000Z";
  db.prepare("INSERT INTO orgs (id, name, version, created_at, updated_at) VALUES ('o', 'Acme', 1, ?, ?)").run(t, t);
  db.prepare("INSERT INTO projects (id, org_id, name, version, created_at, updated_at) VALUES ('p', 'o', 'Plant', 1, ?, ?)").run(t, t);
  return { db, t };
}

describe("migration 9 (database users Gatehouse applied)", () => {
  it("marks the users an older version had applied — in sync, or being dropped — and no others", () => {
    const { db, t } = databaseAt(8);
    const add = db.prepare("INSERT INTO database_users (id, project_id, username, database, auth_method, roles, sync_status, pending_drop, created_at, updated_at) VALUES (?, 'p', ?, '$external', 'X509', '[]', ?, ?, ?, ?)");
    add.run("u1", "CN=in-sync", "in_sync", 0, t, t);
    add.run("u2", "CN=failed", "failed", 0, t, t);
    add.run("u3", "CN=dropping", "failed", 1, t, t);
    add.run("u4", "CN=unmanaged", "unmanaged", 0, t, t);
    migrate(db, MIGRATIONS);
    expect(db.prepare("SELECT id, on_deployment FROM database_users ORDER BY id").all()).toEqual([
      { id: "u1", on_deployment: 1 },
      { id: "u2", on_deployment: 0 },
      { id: "u3", on_deployment: 1 },
      { id: "u4", on_deployment: 0 },
    ]);
  });
});

describe("migration 10 (a CA's pathLenConstraint)", () => {
  it("reads it from each stored CA certificate; other entries, and CAs without one, keep none", () => {
    const { db, t } = databaseAt(9);
    const cert = (ext: string) => opensslBytes(["req", "-new", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=x", "-days", "30", "-addext", ext, "-outform", "DER"]);
    const add = db.prepare(`INSERT INTO keystore_entries (id, project_id, alias, usage, certificate, key_label, subject, common_name, issuer, serial, not_before, not_after, is_ca, self_signed, spki_sha256, fingerprint_sha256, created_at, updated_at)
      VALUES (?, 'p', ?, ?, ?, 'EC P-256', 'CN=x', 'x', 'CN=x', '01', ?, ?, ?, 1, 's', 'f', ?, ?)`);
    add.run("two", "two", "CA", cert("basicConstraints=critical,CA:TRUE,pathlen:2"), t, t, 1, t, t);
    add.run("none", "none", "CA", cert("basicConstraints=critical,CA:TRUE"), t, t, 1, t, t);
    add.run("leaf", "leaf", "Client", cert("basicConstraints=critical,CA:FALSE"), t, t, 0, t, t);
    add.run("bad", "bad", "CA", Buffer.from("not a certificate"), t, t, 1, t, t);
    migrate(db, MIGRATIONS);
    expect(db.prepare("SELECT id, path_len FROM keystore_entries ORDER BY id").all()).toEqual([
      { id: "bad", path_len: null },
      { id: "leaf", path_len: null },
      { id: "none", path_len: null },
      { id: "two", path_len: 2 },
    ]);
  });
});

describe("connection settings", () => {
  it("keeps the database and its WAL owner-only (0600)", async () => {
    await store.transaction((tx) => tx.orgs.insert(org("Written")));
    for (const f of [file, `${file}-wal`]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
  });

  it("puts the database in WAL mode (persistent, visible to any connection)", () => {
    expect(openRaw().pragma("journal_mode", { simple: true })).toBe("wal");
  });

  it("runs the writer with synchronous=FULL, foreign keys on and a busy timeout", () => {
    store.close();
    const pragma = vi.spyOn(Database.prototype, "pragma");
    store = openSqliteStore(file);
    const connections = new Set(pragma.mock.contexts as Database.Database[]);
    const writer = [...connections].find((db) => !db.readonly)!;
    expect(writer).toBeDefined();
    expect(writer.pragma("synchronous", { simple: true })).toBe(2); // FULL
    expect(writer.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(writer.pragma("busy_timeout", { simple: true })).toBe(5000);
  });

  it("gives the writer and the reader a 16 MB page cache", () => {
    store.close();
    const pragma = vi.spyOn(Database.prototype, "pragma");
    store = openSqliteStore(file);
    const connections = [...new Set(pragma.mock.contexts as Database.Database[])];
    expect(connections.map((db) => db.readonly).sort()).toEqual([false, true]);
    for (const db of connections) expect(db.pragma("cache_size", { simple: true })).toBe(PAGE_CACHE_KIB);
    expect(PAGE_CACHE_KIB).toBe(-16384);
  });

  it("counts an account's active tokens from the index alone (the per-request check reads no table rows)", () => {
    const db = openRaw();
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT count(*) AS n FROM oauth_tokens WHERE service_account_id = ? AND expires_at > ? AND revoked_at IS NULL").all("a", "b") as { detail: string }[];
    expect(plan.map((p) => p.detail).join("\n")).toMatch(/USING COVERING INDEX oauth_tokens_account/);
  });

  it("commits a relaxed transaction with synchronous=NORMAL and every other one with FULL, also after a failed one", async () => {
    store.close();
    const pragma = vi.spyOn(Database.prototype, "pragma");
    store = openSqliteStore(file);
    const writer = [...new Set(pragma.mock.contexts as Database.Database[])].find((db) => !db.readonly)!;
    const levelIn = async (name: string, durability?: "relaxed" | "full") => {
      let inside: unknown;
      await store.transaction(async (tx) => {
        inside = writer.pragma("synchronous", { simple: true });
        await tx.orgs.insert(org(name));
      }, durability ? { durability } : undefined);
      return inside;
    };
    expect(await levelIn("Full 1")).toBe(2); // FULL
    expect(await levelIn("Relaxed 1", "relaxed")).toBe(1); // NORMAL
    expect(await levelIn("Relaxed 2", "relaxed")).toBe(1);
    expect(await levelIn("Full 2")).toBe(2);
    expect(await levelIn("Full 3", "full")).toBe(2);
    expect(await store.orgs.getByName("Relaxed 2")).not.toBeNull();

    await expect(store.transaction(async () => Promise.reject(new Error("boom")), { durability: "relaxed" })).rejects.toThrow("boom");
    expect(await levelIn("Full 4")).toBe(2);
    await expect(store.transaction(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await levelIn("Relaxed 3", "relaxed")).toBe(1);
  });

  it("checkpoints the WAL from a worker thread: commits only as a rare backstop, and committed rows reach the database file", async () => {
    store.close();
    const pragma = vi.spyOn(Database.prototype, "pragma");
    store = openSqliteStore(file, { backgroundCheckpoints: { intervalMs: 20 } });
    const writer = [...new Set(pragma.mock.contexts as Database.Database[])].find((db) => !db.readonly)!;
    await vi.waitFor(() => expect(writer.pragma("wal_autocheckpoint", { simple: true })).toBe(BACKSTOP_CHECKPOINT_PAGES), { timeout: 5000 });
    await store.transaction((tx) => tx.orgs.insert(org("Checkpointed")));
    // The database file alone (without its -wal) has the row only once a checkpoint copied it.
    const inMainFile = () => {
      const copy = join(dir, `copy-${Math.random()}.db`);
      copyFileSync(file, copy);
      const db = new Database(copy, { readonly: true });
      try {
        return db.prepare("SELECT count(*) AS n FROM orgs WHERE name = ?").get("Checkpointed") as { n: number };
      } finally {
        db.close();
      }
    };
    await vi.waitFor(() => expect(inMainFile().n).toBe(1), { timeout: 5000 });
  });

  it("falls back to checkpoints in commits when the worker cannot start", async () => {
    store.close();
    const pragma = vi.spyOn(Database.prototype, "pragma");
    store = openSqliteStore(file, { backgroundCheckpoints: { resolveFrom: join(dir, "nowhere") + "/" } });
    const writer = [...new Set(pragma.mock.contexts as Database.Database[])].find((db) => !db.readonly)!;
    await vi.waitFor(() => expect(pragma.mock.calls.some((c) => c[0] === "wal_autocheckpoint = 1000")).toBe(true), { timeout: 5000 });
    expect(writer.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
  });

  it("enforces foreign keys on writes", async () => {
    const orphan = { id: newId(), orgId: newId(), name: "Orphan", version: 1, createdAt: "x", updatedAt: "x" };
    await expect(store.transaction((tx) => tx.projects.insert(orphan))).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_FOREIGNKEY" });
    expect(await store.projects.get(orphan.id)).toBeNull();
  });
});

describe("transactions", () => {
  it("are atomic: a throw midway leaves nothing written, and the original error surfaces", async () => {
    const o = org("Half");
    const boom = new GatehouseError("CONFLICT", "stop");
    await expect(
      store.transaction(async (tx) => {
        await tx.orgs.insert(o);
        await tx.projects.insert({ id: newId(), orgId: o.id, name: "P", version: 1, createdAt: "x", updatedAt: "x" });
        await tx.audit.append({ at: "2026-01-01T00:00:00.000Z", actorId: null, actorLabel: "t", orgId: o.id, projectId: null, action: "org.created", target: "t", outcome: "success", ip: null });
        await tick();
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await store.orgs.get(o.id)).toBeNull();
    expect(await store.projects.countByOrg(o.id)).toBe(0);
    expect((await store.audit.list({}, { limit: 10, offset: 0 })).total).toBe(0);
    // The store stays usable after a rollback.
    await store.transaction((tx) => tx.orgs.insert(org("After")));
    expect(await store.orgs.getByName("After")).not.toBeNull();
  });

  it("return the callback's result once committed", async () => {
    const o = org("Result");
    expect(await store.transaction(async (tx) => (await tx.orgs.insert(o), "done"))).toBe("done");
    expect(openRaw().prepare("SELECT name FROM orgs WHERE id = ?").get(o.id)).toEqual({ name: "Result" });
  });

  it("are invisible to reads outside the transaction until they commit", async () => {
    const o = org("In flight");
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const didInsert = new Promise<void>((r) => (inserted = r));
    const tx = store.transaction(async (w) => {
      await w.orgs.insert(o);
      expect(await w.orgs.get(o.id)).not.toBeNull(); // the transaction sees its own write
      inserted();
      await gate;
    });
    await didInsert;
    expect(await store.orgs.get(o.id)).toBeNull();
    expect(await store.orgs.getByName("In flight")).toBeNull();
    expect(openRaw().prepare("SELECT count(*) AS n FROM orgs").get()).toEqual({ n: 0 });
    release();
    await tx;
    expect(await store.orgs.get(o.id)).not.toBeNull();
  });

  it("are serialized: overlapping transactions run one after the other and both commit", async () => {
    const log: string[] = [];
    const body = (name: string) => async (tx: Parameters<Parameters<Store["transaction"]>[0]>[0]) => {
      log.push(`${name}:begin`);
      await tx.orgs.insert(org(name));
      await tick();
      await tx.orgs.insert(org(`${name} 2`));
      await tick();
      log.push(`${name}:end`);
    };
    await Promise.all([store.transaction(body("A")), store.transaction(body("B")), store.transaction(body("C"))]);
    expect(log).toEqual(["A:begin", "A:end", "B:begin", "B:end", "C:begin", "C:end"]);
    expect(openRaw().prepare("SELECT count(*) AS n FROM orgs").get()).toEqual({ n: 6 });
  });

  it("keep going after one in the queue fails", async () => {
    const results = await Promise.allSettled([
      store.transaction(async (tx) => (await tx.orgs.insert(org("First")), await tick(), Promise.reject(new Error("no")))),
      store.transaction((tx) => tx.orgs.insert(org("Second"))),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled"]);
    expect(await store.orgs.getByName("First")).toBeNull();
    expect(await store.orgs.getByName("Second")).not.toBeNull();
  });

  it("make read-modify-write safe: concurrent version-checked updates never see each other's stale state", async () => {
    const o = org("Counter 0");
    await store.transaction((tx) => tx.orgs.insert(o));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.transaction(async (tx) => {
          const cur = (await tx.orgs.get(o.id))!;
          await tick();
          await tx.orgs.rename(o.id, cur.version, `Counter ${i + 1}`);
        }),
      ),
    );
    expect(await store.orgs.get(o.id)).toMatchObject({ version: 11, name: "Counter 10" });
  });
});

describe("audit trail", () => {
  it("cannot be updated or deleted, even through a raw connection", async () => {
    const id = await store.transaction((tx) =>
      tx.audit.append({ at: "2026-01-01T00:00:00.000Z", actorId: null, actorLabel: "ada", orgId: null, projectId: null, action: "org.created", target: "org:1", outcome: "success", ip: null }),
    );
    const db = openRaw();
    expect(() => db.prepare("UPDATE audit_events SET outcome = 'denied' WHERE id = ?").run(id)).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM audit_events WHERE id = ?").run(id)).toThrow(/append-only/);
    expect(() => db.exec("DELETE FROM audit_events")).toThrow(/append-only/);
    expect(db.prepare("SELECT outcome, actor_label FROM audit_events").all()).toEqual([{ outcome: "success", actor_label: "ada" }]);
  });

  it("refuses an outcome outside success/denied/failure", async () => {
    await expect(
      store.transaction((tx) =>
        tx.audit.append({ at: "x", actorId: null, actorLabel: "a", orgId: null, projectId: null, action: "a", target: "t", outcome: "maybe" as never, ip: null }),
      ),
    ).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_CHECK" });
  });
});
