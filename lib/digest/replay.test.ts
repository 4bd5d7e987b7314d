import { describe, expect, it } from "vitest";
import { DigestReplayCache } from "./replay";

describe("DigestReplayCache", () => {
  it("accepts a (nonce, response) once within the window, and again after it", () => {
    const c = new DigestReplayCache({ ttlMs: 1000 });
    expect(c.firstUse("n1", "aa", 0)).toBe(true);
    expect(c.firstUse("n1", "AA", 500)).toBe(false); // hex case does not make a new response
    expect(c.firstUse("n1", "bb", 500)).toBe(true);
    expect(c.firstUse("n2", "aa", 500)).toBe(true);
    expect(c.firstUse("n1", "aa", 1001)).toBe(true);
  });

  it("forgets expired entries as time passes, and keeps at most maxEntries (the oldest go)", () => {
    const c = new DigestReplayCache({ ttlMs: 1000, maxEntries: 3 });
    for (let i = 0; i < 3; i++) c.firstUse("n", String(i), i);
    expect(c.size).toBe(3);
    c.firstUse("n", "3", 10);
    expect(c.size).toBe(3);
    expect(c.firstUse("n", "0", 11)).toBe(true); // evicted, so no longer known
    expect(c.firstUse("n", "3", 12)).toBe(false);
    c.firstUse("m", "x", 5000);
    expect(c.size).toBe(1);
  });

  it("refuses a window that is not positive", () => {
    expect(() => new DigestReplayCache({ ttlMs: 0 })).toThrow(RangeError);
  });
});
