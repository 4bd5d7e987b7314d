import { describe, expect, it } from "vitest";
import { loadDelta, parseProcStat, parseThreadStat, sampleLoad } from "./machine-load";

describe("machine load (the bench's steal and main-thread CPU figures)", () => {
  it("reads steal and the total from /proc/stat's cpu line", () => {
    const text = "cpu  2277540 5372 379978 2523463 26147 0 21294 60594 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n";
    expect(parseProcStat(text)).toEqual({ stealMs: 605_940, totalMs: (2277540 + 5372 + 379978 + 2523463 + 26147 + 0 + 21294 + 60594) * 10 });
    expect(parseProcStat("intr 1 2 3")).toBeNull();
  });

  it("reads a thread's utime + stime even when its name holds spaces and parentheses", () => {
    const text = "1896 (node (x) y) S 1 1896 1896 0 -1 4194560 100 0 0 0 367 28 0 0 20 0 11 0 5000 1 1";
    expect(parseThreadStat(text)).toBe((367 + 28) * 10);
  });

  it("turns two samples into steal percent and main-thread ms per request", () => {
    const a = { cpu: { stealMs: 1000, totalMs: 100_000 }, mainThreadMs: 5000 };
    const b = { cpu: { stealMs: 1600, totalMs: 112_000 }, mainThreadMs: 8600 };
    expect(loadDelta(a, b, 1200)).toEqual({ stealPct: 5, mainCpuMsPerRequest: 3 });
    expect(loadDelta({ cpu: null, mainThreadMs: null }, b, 1200)).toEqual({ stealPct: null, mainCpuMsPerRequest: null });
  });

  it("samples this machine: this process's main thread has used some CPU", () => {
    const s = sampleLoad(process.pid);
    if (process.platform !== "linux") return expect(s.cpu).toBeNull();
    expect(s.cpu!.totalMs).toBeGreaterThan(0);
    expect(s.mainThreadMs).toBeGreaterThan(0);
  });
});
