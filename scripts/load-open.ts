// An open-loop, constant-arrival-rate load generator (the wrk2 model), for "p99 at N requests/s".
//
// Why not autocannon's `overallRate`: autocannon splits the rate over its connections and lets
// each connection send its whole per-second quota back to back at the start of every second,
// then idle (lib/httpClient.js, `reqsMadeThisSecond`). At 200 req/s over 10 connections that is
// a burst of 200 requests at concurrency 10 each second, so its p99 is the latency of a saturated
// server, not of a server receiving 200 requests a second. Here request k is due at
// t0 + k / rate, it is sent at that moment whatever earlier requests are doing (more sockets are
// opened when all are busy), and its latency is measured from the moment it was due, so a
// stalled generator or server cannot hide its own delay (no coordinated omission).
//
// The generator runs in a child process of its own (openLoopInChild), so the bench process's
// heap and garbage collection cannot delay a send; `maxSendLagMs` reports how late sends were.
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { join } from "node:path";

export type OpenLoopRequest = { method: "GET" | "POST"; path: string; headers?: Record<string, string>; body?: string };

export type OpenLoopResult = {
  rate: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Achieved completions per second over the run. */
  rps: number;
  /** Milliseconds from each request's due time to its last response byte. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** The worst lag between a request's due time and when it was written (the generator's own delay). */
  maxSendLagMs: number;
  /** p99 of the time the server says it spent (`Server-Timing: app;dur=…`), when it says so. */
  serverP99?: number;
  /** The server's event-loop delay during the run (p99, max), when the bench asked for it. */
  eventLoop?: { p99: number; max: number };
  latencies?: number[];
};

/** Nearest-rank percentile of an ascending array. */
export function nearestRank(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export type OpenLoopOptions = {
  url: string;
  rate: number;
  durationS: number;
  /** Request k is requests[k % requests.length]: lets a run cycle over credentials. */
  requests: OpenLoopRequest[];
  maxSockets?: number;
  timeoutMs?: number;
  /** Return every latency (ascending), e.g. to pool several runs into one percentile. */
  keepLatencies?: boolean;
};

export async function openLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  if (!(opts.rate > 0) || !(opts.durationS > 0) || opts.requests.length === 0) throw new RangeError("rate and durationS must be positive, and requests not empty");
  const base = new URL(opts.url);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 64 });
  const total = Math.round(opts.rate * opts.durationS);
  const intervalMs = 1000 / opts.rate;
  const latencies: number[] = [];
  const serverTimes: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let maxSendLagMs = 0;
  let sent = 0;
  let lastDone = 0;
  const pending: Promise<void>[] = [];

  const fire = (k: number, due: number) => {
    const r = opts.requests[k % opts.requests.length]!;
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    if (r.body !== undefined) headers["content-length"] = String(Buffer.byteLength(r.body));
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
    return new Promise<void>((resolve) => {
      const req = request(
        { host: base.hostname, port: base.port, method: r.method, path: r.path, headers, agent, timeout: opts.timeoutMs ?? 10_000 },
        (res) => {
          res.on("data", () => {});
          const timing = /app;dur=([\d.]+)/.exec(String(res.headers["server-timing"] ?? ""));
          if (timing) serverTimes.push(Number(timing[1]));
          res.on("end", () => {
            const end = performance.now();
            lastDone = Math.max(lastDone, end);
            latencies.push(end - due);
            if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) ok++;
            else non2xx++;
            resolve();
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => {
        errors++;
        resolve();
      });
      if (r.body !== undefined) req.write(r.body);
      req.end();
    });
  };

  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Send everything that is due (catching up after a late timer), then sleep until the next.
      while (sent < total && t0 + sent * intervalMs <= now) {
        pending.push(fire(sent, t0 + sent * intervalMs));
        sent++;
      }
      if (sent >= total) return resolve();
      const wait = t0 + sent * intervalMs - performance.now();
      // No spinning: the generator shares the machine with the server. A timer is at most ~1 ms
      // late, and that lateness counts against the server (latency runs from the due time).
      setTimeout(tick, Math.max(0, Math.floor(wait)));
    };
    tick();
  });
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    rate: opts.rate,
    sent,
    ok,
    non2xx,
    errors,
    rps: round(((ok + non2xx) / Math.max(1, lastDone - t0)) * 1000),
    p50: round(nearestRank(latencies, 50)),
    p90: round(nearestRank(latencies, 90)),
    p99: round(nearestRank(latencies, 99)),
    max: round(latencies.at(-1) ?? NaN),
    maxSendLagMs: round(maxSendLagMs),
    ...(serverTimes.length ? { serverP99: round(nearestRank(serverTimes.sort((a, b) => a - b), 99)) } : {}),
    ...(opts.keepLatencies ? { latencies: latencies.map(round) } : {}),
  };
}

/** openLoop in a fresh Node process (scripts/load-open-child.ts), with this process's loader flags. */
export function openLoopInChild(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const execArgv = process.execArgv.filter((a) => !/^--conditions[= ]?react-server$/.test(a) && a !== "react-server");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...execArgv, join(__dirname, "load-open-child.ts")], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with code ${code}`));
      try {
        resolve(JSON.parse(out) as OpenLoopResult);
      } catch {
        reject(new Error(`load generator printed no result: ${out.slice(0, 200)}`));
      }
    });
    child.stdin.end(JSON.stringify(opts));
  });
}
