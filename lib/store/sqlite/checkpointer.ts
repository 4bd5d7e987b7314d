import { Worker } from "node:worker_threads";

// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever COMMIT
// pushes the WAL past 1,000 pages: it copies the pages into the database file and fsyncs it,
// and with better-sqlite3 that is synchronous on the request thread — a stall of several ms
// every few hundred writes. Here a worker thread holds its own connection and runs a PASSIVE
// checkpoint (it never blocks the writer or readers) every `intervalMs`. Once the worker has
// opened the database, the writer's automatic checkpoint moves to a far larger threshold (a
// backstop that also lets the WAL start over; see index.ts), and back to SQLite's default if
// the worker ever stops, so a failed worker can cost latency but never lets the WAL grow unbounded.

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createRequire } = require("node:module");
let db;
try {
  const Database = createRequire(workerData.resolveFrom)("better-sqlite3");
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma("busy_timeout = 0");
} catch (err) {
  parentPort.postMessage({ type: "error", message: String((err && err.message) || err) });
  process.exit(0);
}
parentPort.postMessage({ type: "ready" });
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // Busy or locked this round: the next one catches up.
  }
}, workerData.intervalMs);
parentPort.on("message", (m) => {
  if (m !== "stop") return;
  clearInterval(timer);
  try { db.close(); } catch {}
  process.exit(0);
});
`;

export type Checkpointer = { stop(): void };

export function startCheckpointer(opts: {
  file: string;
  intervalMs?: number;
  /** Where better-sqlite3 is resolved from (a directory path ending in "/" or a file). */
  resolveFrom?: string;
  onReady(): void;
  onStopped(reason: string): void;
}): Checkpointer {
  let stopped = false;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file: opts.file, intervalMs: opts.intervalMs ?? 200, resolveFrom: opts.resolveFrom ?? `${process.cwd()}/` },
  });
  worker.unref();
  worker.on("message", (m: { type: string; message?: string }) => {
    if (m.type === "ready" && !stopped) opts.onReady();
    if (m.type === "error") opts.onStopped(m.message ?? "unknown error");
  });
  worker.on("error", (err) => opts.onStopped(err.message));
  worker.on("exit", () => {
    if (!stopped) opts.onStopped("the checkpoint worker exited");
  });
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      worker.postMessage("stop");
    },
  };
}
