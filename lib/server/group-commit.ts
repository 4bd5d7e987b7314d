import "server-only";
import type { StoreWriter } from "../store/types";
import type { Runtime } from "./runtime";

// Group commit for small, independent writes on hot paths (the audit record of
// each Admin API call): writes that arrive while one transaction runs share the next one, so a
// burst of requests pays for one fsync instead of one each. Each caller still waits for its own
// commit — nothing is acknowledged before it is durable. If a batch fails, its writes are
// retried one transaction each, so one bad write cannot take the others down.

type Item = { fn: (tx: StoreWriter) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };
type Queue = { items: Item[]; running: boolean };
const queues = new WeakMap<object, Queue>();

export function groupCommit<T>(rt: Runtime, fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
  let q = queues.get(rt.store);
  if (!q) queues.set(rt.store, (q = { items: [], running: false }));
  const queue = q;
  return new Promise<T>((resolve, reject) => {
    queue.items.push({ fn, resolve: resolve as (v: unknown) => void, reject });
    if (!queue.running) void drain(rt, queue);
  });
}

async function drain(rt: Runtime, q: Queue) {
  q.running = true;
  try {
    while (q.items.length) {
      // Let the requests already in flight add their writes to this batch.
      await new Promise((r) => setImmediate(r));
      const batch = q.items.splice(0, 500);
      try {
        const results = await rt.store.transaction(async (tx) => {
          const out: unknown[] = [];
          for (const item of batch) out.push(await item.fn(tx));
          return out;
        });
        batch.forEach((item, i) => item.resolve(results[i]));
      } catch {
        for (const item of batch) await rt.store.transaction((tx) => item.fn(tx)).then(item.resolve, item.reject);
      }
    }
  } finally {
    q.running = false;
  }
}
