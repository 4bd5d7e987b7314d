import Database from "better-sqlite3";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { Store, StoreReader, StoreWriter, TransactionOptions } from "../types";
import { log } from "../../log";
import { startCheckpointer, type Checkpointer } from "./checkpointer";
import { MIGRATIONS, type Migration } from "./migrations";
import { makeRepos } from "./repos";

/** Negative: KiB (SQLite's convention). */
export const PAGE_CACHE_KIB = -16384;

function configure(db: Database.Database) {
  db.pragma("journal_mode = WAL");
  // FULL: a committed transaction survives power loss, not only a process crash.
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  // When a checkpoint lets the WAL start over, cut a WAL file that grew under load back to 64 MB.
  db.pragma("journal_size_limit = 67108864");
  // 16 MB of page cache per connection instead of SQLite's 2 MB: the hot index pages (token
  // ids, accounts, sessions) stay in the process instead of being read back from the OS on
  // the request thread.
  db.pragma(`cache_size = ${PAGE_CACHE_KIB}`);
}

export function migrate(db: Database.Database, migrations: Migration[] = MIGRATIONS): number {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  const applied = new Set(db.prepare("SELECT version FROM schema_migrations").all().map((r) => (r as { version: number }).version));
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      // Re-checked under the write lock: two processes starting on a fresh data dir must not
      // both apply the same migration.
      if (db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?").get(m.version)) return;
      db.exec(m.sql);
      m.data?.(db);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, new Date().toISOString());
    }).immediate();
  }
  return (db.prepare("SELECT max(version) AS v FROM schema_migrations").get() as { v: number | null }).v ?? 0;
}

/**
 * SQLite store. Writes go through one connection, one transaction at a time (an async mutex:
 * a transaction may await between statements, and nothing else may interleave on that
 * connection). Reads outside a transaction use a second connection, which under WAL sees the
 * last committed state and never a transaction in progress.
 */
/**
 * With the worker copying pages, a commit still checkpoints once the WAL reaches this many pages
 * (16 MB): the worker's checkpoints run beside the writer and rarely find the WAL with no new
 * frames, and only a checkpoint by the writer itself lets the next write start the WAL over.
 * By then the worker has copied nearly every page, so that checkpoint is short — and four times
 * rarer than SQLite's default of 1,000 pages.
 */
export const BACKSTOP_CHECKPOINT_PAGES = 4000;

export type SqliteStoreOptions = {
  /** Checkpoint the WAL from a worker thread instead of inside commits (see checkpointer.ts). The server turns this on. */
  backgroundCheckpoints?: boolean | { intervalMs?: number; resolveFrom?: string };
};

export function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): Store {
  const memory = file === ":memory:";
  if (!memory) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Password hashes and sealed secrets live here: owner-only, created so before SQLite opens it
    // (SQLite gives the -wal and -shm files the database file's permissions).
    if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
    else chmodSync(file, 0o600);
  }
  const writer = new Database(file);
  configure(writer);
  const schemaVersion = migrate(writer);
  const reader = memory ? writer : new Database(file, { readonly: true, fileMustExist: true });
  if (!memory) {
    reader.pragma("foreign_keys = ON");
    reader.pragma("busy_timeout = 5000");
    reader.pragma(`cache_size = ${PAGE_CACHE_KIB}`);
  }

  let checkpointer: Checkpointer | null = null;
  if (opts.backgroundCheckpoints && !memory) {
    const bg = typeof opts.backgroundCheckpoints === "object" ? opts.backgroundCheckpoints : {};
    checkpointer = startCheckpointer({
      file,
      ...bg,
      onReady: () => {
        if (writer.open) writer.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
      },
      onStopped: (reason) => {
        if (!writer.open) return;
        writer.pragma("wal_autocheckpoint = 1000");
        log.warn("store: background WAL checkpoints stopped; commits checkpoint again", { reason });
      },
    });
  }

  const writeRepos = makeRepos(writer);
  const readRepos: StoreReader = makeRepos(reader);
  let queue: Promise<unknown> = Promise.resolve();
  // Prepared once, as db.transaction() does: db.exec() parses its SQL on every call, and these
  // run in every write transaction (the OAuth token endpoint commits one per token).
  const control = { begin: writer.prepare("BEGIN IMMEDIATE"), commit: writer.prepare("COMMIT"), rollback: writer.prepare("ROLLBACK") };
  // The writer's synchronous level, switched only when a transaction needs the other one: a run
  // of relaxed transactions (token issuance) pays no pragma. It cannot be a prepared statement:
  // SQLite applies the synchronous pragma when the statement is prepared, not when it runs.
  let level: "FULL" | "NORMAL" = "FULL";
  const switchLevel = (want: typeof level) => {
    if (level === want) return;
    writer.exec(`PRAGMA synchronous = ${want}`);
    level = want;
  };

  async function transaction<T>(fn: (tx: StoreWriter) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    // Under WAL, synchronous=NORMAL skips the commit's fsync of the WAL. It is chosen inside the
    // write mutex, before BEGIN, so it applies to this transaction's commit.
    const relaxed = opts.durability === "relaxed" && !memory;
    const run = async () => {
      switchLevel(relaxed ? "NORMAL" : "FULL");
      control.begin.run();
      try {
        const result = await fn(writeRepos);
        control.commit.run();
        return result;
      } catch (err) {
        if (writer.inTransaction) control.rollback.run();
        throw err;
      }
    };
    const p = queue.then(run, run);
    queue = p.catch(() => undefined);
    return p;
  }

  return {
    kind: "sqlite",
    ...readRepos,
    transaction,
    async health() {
      try {
        reader.prepare("SELECT 1").get();
        return { ok: true, kind: "sqlite", schemaVersion };
      } catch (err) {
        return { ok: false, kind: "sqlite", schemaVersion, detail: (err as Error).message };
      }
    },
    close() {
      checkpointer?.stop();
      if (!memory) reader.close();
      writer.close();
    },
  };
}
