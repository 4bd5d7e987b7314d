import { describe, expect, it } from "vitest";
import { inBatches } from "./batches";

describe("inBatches", () => {
  it("hands every item over once, in order, in slices of at most the size", async () => {
    const seen: number[][] = [];
    await inBatches([1, 2, 3, 4, 5, 6, 7], async (b) => void seen.push(b), 3);
    expect(seen).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it("does nothing for no items", async () => {
    let calls = 0;
    await inBatches([], async () => void calls++);
    expect(calls).toBe(0);
  });

  it("lets the event loop run between batches (a request waiting on I/O is not held up)", async () => {
    const order: string[] = [];
    const run = inBatches([1, 2, 3], async (b) => void order.push(`batch ${b[0]}`), 1);
    setImmediate(() => order.push("other work"));
    await run;
    expect(order).toEqual(["batch 1", "other work", "batch 2", "batch 3"]);
  });

  it("stops at a failing batch; the earlier ones stay done", async () => {
    const done: number[] = [];
    await expect(
      inBatches([1, 2, 3], async ([x]) => {
        if (x === 2) throw new Error("disk full");
        done.push(x!);
      }, 1),
    ).rejects.toThrow("disk full");
    expect(done).toEqual([1]);
  });

  it("refuses a size below 1", async () => {
    await expect(inBatches([1], async () => {}, 0)).rejects.toThrow(RangeError);
  });
});
