// What the machine itself did during a bench round (Linux /proc; null elsewhere):
//   - steal: time the hypervisor ran something else while this VM's vCPUs wanted to run. On a
//     shared VM it arrives in bursts, and while it lasts every process here stalls, whatever it does;
//   - the server's main-thread CPU time: what one request costs the event loop, the figure that
//     sets how close a route runs to saturation (and so its tail) at a fixed request rate.
import { readFileSync } from "node:fs";

/** USER_HZ: /proc reports CPU time in ticks of 1/100 s on Linux. */
const TICK_MS = 10;

export type CpuTotals = { stealMs: number; totalMs: number };

/** The "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal (guest times are inside user). */
export function parseProcStat(text: string): CpuTotals | null {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return null;
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f.length < 8 || f.some((x) => !Number.isFinite(x))) return null;
  return { stealMs: f[7]! * TICK_MS, totalMs: f.reduce((a, b) => a + b, 0) * TICK_MS };
}

/** utime + stime of /proc/PID/task/TID/stat (fields 14 and 15; the name in parentheses may hold spaces). */
export function parseThreadStat(text: string): number | null {
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * TICK_MS : null;
}

const read = (path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

export type LoadSample = { cpu: CpuTotals | null; mainThreadMs: number | null };

/** A snapshot of the machine's CPU totals and of `pid`'s main thread (its thread id is its pid). */
export function sampleLoad(pid: number | undefined): LoadSample {
  const stat = read("/proc/stat");
  const thread = pid ? read(`/proc/${pid}/task/${pid}/stat`) : null;
  return { cpu: stat ? parseProcStat(stat) : null, mainThreadMs: thread ? parseThreadStat(thread) : null };
}

export type LoadDelta = {
  /** Hypervisor steal during the interval, as a share of all CPU time of all vCPUs (percent). */
  stealPct: number | null;
  /** The server's main-thread CPU time per request over the interval (ms). */
  mainCpuMsPerRequest: number | null;
};

export function loadDelta(a: LoadSample, b: LoadSample, requests: number): LoadDelta {
  const total = a.cpu && b.cpu ? b.cpu.totalMs - a.cpu.totalMs : 0;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    stealPct: a.cpu && b.cpu && total > 0 ? round(((b.cpu.stealMs - a.cpu.stealMs) / total) * 100) : null,
    mainCpuMsPerRequest: a.mainThreadMs !== null && b.mainThreadMs !== null && requests > 0 ? round((b.mainThreadMs - a.mainThreadMs) / requests) : null,
  };
}
