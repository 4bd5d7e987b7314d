// Background jobs over many rows (expiring secrets, expired database users): a batch per
// transaction — one fsync for the batch, not one per row — and a turn of the event loop between
// batches, so requests that arrive meanwhile are answered in between. Before, a minute tick that
// found 300 secrets entering their warning window ran 300 transactions in one go and held every
// request for ~140 ms.

export const BACKGROUND_BATCH_SIZE = 25;

/** `fn` for each consecutive slice of `items` of at most `size`, yielding to the event loop (setImmediate) between slices. */
export async function inBatches<T>(items: readonly T[], fn: (batch: T[]) => Promise<void>, size = BACKGROUND_BATCH_SIZE): Promise<void> {
  if (!(size >= 1)) throw new RangeError("size must be at least 1");
  for (let i = 0; i < items.length; i += size) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    await fn(items.slice(i, i + size));
  }
}
