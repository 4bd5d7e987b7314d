// The service-accounts issue's targets, measured with autocannon on loopback against the
// production build as `npm start` serves it — the token endpoint without Next's router
// (scripts/direct-routes.mjs), the bare routes through it (GATEHOUSE_BENCH_BASELINE=1 turns on
// the bench-only routes):
//   - POST /api/oauth/token throughput ≥ 0.5× a bare Next.js route doing only the same HMAC
//     compare and ES256 signing (/api/bench-baseline/token, a Pages Router API route like the
//     token endpoint; the same work as an App Router route handler, /api/bench-baseline/token-app,
//     is measured beside them for reference), and p99 < 20 ms at 200 requests/s
//     (open-loop constant-rate rounds, scripts/load-open.ts — autocannon's rate mode sends bursts;
//     the rounds alternate with the bare route, and the figure judged is the median of the
//     rounds' p99, because this 2-core VM adds stalls of tens of ms to any route now and then);
//   - a bearer-authenticated GET /api/atlas/v2/orgs ≥ 0.5× the same GET without auth
//     (/api/bench-baseline/orgs).
// Token requests cycle over many service accounts (each may hold 100 active tokens, as in Atlas).
import autocannon from "autocannon";
import { join } from "node:path";
import { startFloorServer, startServer } from "./bench-server";
import { nearestRank, openLoopInChild, type OpenLoopResult } from "./load-open";
import { loadDelta, sampleLoad, type LoadDelta } from "./machine-load";

export const THROUGHPUT_RATIO_TARGET = 0.5;
export const P99_TARGET_MS = 20;
export const FIXED_RATE = 200;
// Nine rounds, not five: a round's p99 rests on its 12 slowest requests, so one burst of steal
// decides it; with five rounds, three such bursts in one bench (seen in 2 of 10 runs) decided
// the median. Nine halve that risk without changing what the median estimates.
export const FIXED_RATE_ROUNDS = 9;
export const FIXED_RATE_ROUND_SECONDS = 6;

export type FixedRound = OpenLoopResult & LoadDelta;
export type FixedRateRounds = {
  rounds: FixedRound[];
  /** The judged figure: the median over rounds of each round's p99. */
  medianP99: number;
  /** p99 over every request of every round together (reported). */
  pooledP99: number;
  /** The median over rounds of the p99 of the server's own time (Server-Timing), for comparison. */
  medianServerP99: number;
  p50: number;
  rps: number;
  /** The median over rounds of the server's main-thread CPU per request (ms). */
  medianMainCpuMs: number | null;
  /** Reported, not judged: the rounds during which the hypervisor stole under QUIET_STEAL_PCT of the CPU, and their median p99. */
  quiet: { rounds: number; medianP99: number | null };
};

export const QUIET_STEAL_PCT = 2;

type Run = { rps: number; p50: number; p99: number; non2xx: number; errors: number; total: number };
export type OAuthBench = {
  accounts: number;
  /** Runs that got non-2xx answers or errors: their figures measure refusals, so the bench fails. */
  unclean: string[];
  durationS: number;
  token: Run;
  tokenBaseline: Run;
  /** Open loop: one request every 1/FIXED_RATE s, latency from each request's due time. */
  tokenFixedRate: FixedRateRounds;
  /** The bare route at the same fixed rate: what this machine gives a Next.js route that does nothing else. */
  tokenBaselineFixedRate: FixedRateRounds;
  /** Reported, not judged: the bare route's work in an App Router route handler, closed loop and at the fixed rate. */
  tokenBaselineApp: Run;
  tokenBaselineAppFixedRate: FixedRateRounds;
  /** Reported, not judged: a plain node:http server that costs nothing (scripts/floor-server.mjs), the same rounds. */
  floorFixedRate: FixedRateRounds;
  get: Run;
  getBaseline: Run;
  tokenRatio: number;
  getRatio: number;
  pass: boolean;
};

function run(opts: autocannon.Options): Promise<Run> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, r) => {
      if (err) return reject(err);
      resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, total: r.requests.total });
    });
  });
}

function summarize(rounds: FixedRound[]): FixedRateRounds {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const all = rounds.flatMap((r) => r.latencies ?? []).sort((a, b) => a - b);
  return {
    rounds: rounds.map(({ latencies: _, ...r }) => r),
    medianP99: median(rounds.map((r) => r.p99)),
    pooledP99: nearestRank(all, 99),
    medianServerP99: median(rounds.map((r) => r.serverP99 ?? NaN)),
    p50: nearestRank(all, 50),
    rps: rounds.reduce((a, r) => a + r.rps, 0) / rounds.length,
    medianMainCpuMs: rounds.every((r) => r.mainCpuMsPerRequest !== null) ? median(rounds.map((r) => r.mainCpuMsPerRequest!)) : null,
    quiet: ((q) => ({ rounds: q.length, medianP99: q.length ? median(q.map((r) => r.p99)) : null }))(rounds.filter((r) => r.stealPct !== null && r.stealPct < QUIET_STEAL_PCT)),
  };
}

export async function benchOAuth(opts: { dataDir: string; logFile: string; durationS: number; accounts?: number; rounds?: number; log?: (m: string) => void }): Promise<OAuthBench> {
  // Each account may hold 100 active tokens (an hour each), and every token the runs mint stays
  // active to the end: at ~2,500 tokens/s closed loop, the warm-up and the throughput run mint
  // ~25,000, and nine fixed-rate rounds 10,800 more. 800 accounts hold 80,000. With 300, the last
  // rounds and the bearer GET measured 403 refusals (caught by `unclean`).
  const accounts = opts.accounts ?? 800;
  // Seeded through Gatehouse's own use cases, into the data dir the server then serves.
  const { createRuntime } = await import("../lib/server/runtime");
  const { createServiceAccount } = await import("../lib/server/service-accounts/manage");
  const { seedTenants, ctxFor } = await import("../test/support/runtime");
  const rt = createRuntime({ ...process.env, GATEHOUSE_DATA_DIR: opts.dataDir });
  const creds: { clientId: string; secret: string }[] = [];
  try {
    const t = await seedTenants(rt);
    const owner = await ctxFor(rt, t.ownerA.id);
    for (let i = 0; i < accounts; i++) {
      const a = await createServiceAccount(owner, { orgId: t.orgA, name: `bench ${i}`, description: "bench", roles: ["ORG_READ_ONLY"], secretExpiresAfterHours: 24 });
      creds.push({ clientId: a.clientId, secret: a.secrets[0]!.secret });
    }
  } finally {
    rt.store.close();
  }
  process.env.GATEHOUSE_BENCH_BASELINE = "1";
  process.env.GATEHOUSE_OAUTH_TOKENS_PER_MINUTE = "1000000";
  const server = await startServer("server", opts.dataDir, opts.logFile);
  const floor = await startFloorServer().catch(async (err: unknown) => {
    await server.stop();
    throw err;
  });
  try {
    const basic = creds.map((c) => `Basic ${Buffer.from(`${c.clientId}:${c.secret}`).toString("base64")}`);
    let i = 0;
    const tokenReq = (path: string) => ({
      url: server.url + path,
      method: "POST" as const,
      body: "grant_type=client_credentials",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...req.headers, authorization: basic[i++ % basic.length]! } }) }],
    });
    const base = { connections: 10, duration: opts.durationS };
    // Warm both paths (route compilation, signing key creation, caches).
    await run({ ...tokenReq("/api/oauth/token"), ...base, duration: 2 });
    await run({ ...tokenReq("/api/bench-baseline/token"), ...base, duration: 2 });
    await run({ ...tokenReq("/api/bench-baseline/token-app"), ...base, duration: 2 });
    const tokenBaseline = await run({ ...tokenReq("/api/bench-baseline/token"), ...base });
    const token = await run({ ...tokenReq("/api/oauth/token"), ...base });
    const tokenBaselineApp = await run({ ...tokenReq("/api/bench-baseline/token-app"), ...base });
    opts.log?.(`token endpoint ${token.rps.toFixed(0)} req/s vs bare route ${tokenBaseline.rps.toFixed(0)} req/s (as an App Router route handler: ${tokenBaselineApp.rps.toFixed(0)} req/s)`);
    const loop = async () => (await (await fetch(`${server.url}/__bench/event-loop`)).json()) as { p99: number; max: number };
    type Target = "token" | "bare" | "bareApp" | "floor";
    const PATHS: Record<Target, string> = { token: "/api/oauth/token", bare: "/api/bench-baseline/token", bareApp: "/api/bench-baseline/token-app", floor: "/api/oauth/token" };
    const fixedRate = async (target: Target): Promise<FixedRound> => {
      const path = PATHS[target];
      const [url, pid] = target === "floor" ? [floor.url, floor.pid] : [server.url, server.pid];
      if (target !== "floor") await loop(); // resets the server's histogram
      const before = sampleLoad(pid);
      const r = await openLoopInChild({
        url,
        rate: FIXED_RATE,
        durationS: FIXED_RATE_ROUND_SECONDS,
        keepLatencies: true,
        requests: basic.map((authorization) => ({ method: "POST", path, body: "grant_type=client_credentials", headers: { "content-type": "application/x-www-form-urlencoded", authorization } })),
      });
      const load = loadDelta(before, sampleLoad(pid), r.sent);
      return { ...r, ...load, ...(target === "floor" ? {} : { eventLoop: await loop() }) };
    };
    const rounds: Record<Target, FixedRound[]> = { token: [], bare: [], bareApp: [], floor: [] };
    const targets: Target[] = ["token", "bare", "bareApp", "floor"];
    for (let r = 0; r < (opts.rounds ?? FIXED_RATE_ROUNDS); r++) {
      // Rotating the order, so a noisy stretch of the machine falls on every route alike.
      for (let k = 0; k < targets.length; k++) {
        const t = targets[(r + k) % targets.length]!;
        rounds[t].push(await fixedRate(t));
      }
      const [tk, bl, ba, fl] = [rounds.token.at(-1)!, rounds.bare.at(-1)!, rounds.bareApp.at(-1)!, rounds.floor.at(-1)!];
      const where = (x: FixedRound) => `handler p99 ${x.serverP99 ?? "?"} ms, event-loop delay p99 ${x.eventLoop?.p99 ?? "?"} / max ${x.eventLoop?.max ?? "?"} ms, main-thread CPU ${x.mainCpuMsPerRequest ?? "?"} ms/request, steal ${x.stealPct ?? "?"}%`;
      opts.log?.(`  round ${r + 1}: p99 token ${tk.p99} ms (${where(tk)}); bare ${bl.p99} ms (${where(bl)}); bare App Router ${ba.p99} ms (${where(ba)}); floor ${fl.p99} ms (steal ${fl.stealPct ?? "?"}%)`);
    }
    const tokenRounds = rounds.token;
    const tokenFixedRate = summarize(rounds.token);
    const tokenBaselineFixedRate = summarize(rounds.bare);
    const tokenBaselineAppFixedRate = summarize(rounds.bareApp);
    const floorFixedRate = summarize(rounds.floor);
    opts.log?.(`token endpoint at ${FIXED_RATE} req/s (open loop, ${tokenRounds.length} × ${FIXED_RATE_ROUND_SECONDS} s): median round p99 ${tokenFixedRate.medianP99} ms, pooled p99 ${tokenFixedRate.pooledP99} ms (bare route: ${tokenBaselineFixedRate.medianP99} / ${tokenBaselineFixedRate.pooledP99} ms; as an App Router route handler: ${tokenBaselineAppFixedRate.medianP99} / ${tokenBaselineAppFixedRate.pooledP99} ms; machine floor: ${floorFixedRate.medianP99} / ${floorFixedRate.pooledP99} ms)`);

    const minted = (await (await fetch(`${server.url}/api/oauth/token`, { method: "POST", headers: { authorization: basic[0]!, "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=client_credentials" })).json()) as { access_token: string };
    const getReq = { url: `${server.url}/api/atlas/v2/orgs`, headers: { authorization: `Bearer ${minted.access_token}`, accept: "application/vnd.atlas.2023-01-01+json" } };
    const baseReq = { url: `${server.url}/api/bench-baseline/orgs?clientId=${creds[0]!.clientId}` };
    await run({ ...getReq, ...base, duration: 2 });
    await run({ ...baseReq, ...base, duration: 2 });
    const getBaseline = await run({ ...baseReq, ...base });
    const get = await run({ ...getReq, ...base });
    opts.log?.(`bearer GET ${get.rps.toFixed(0)} req/s vs the same GET without auth ${getBaseline.rps.toFixed(0)} req/s`);
    const tokenRatio = token.rps / tokenBaseline.rps;
    const getRatio = get.rps / getBaseline.rps;
    const named: [string, { non2xx: number; errors: number }][] = [
      ["token closed loop", token], ["bare route closed loop", tokenBaseline], ["App Router route closed loop", tokenBaselineApp],
      ...Object.entries(rounds).flatMap(([t, rs]) => rs.map((r, i) => [`${t} round ${i + 1}`, r] as [string, FixedRound])),
      ["bearer GET", get], ["GET without auth", getBaseline],
    ];
    const unclean = named.filter(([, r]) => r.non2xx > 0 || r.errors > 0).map(([n, r]) => `${n} (${r.non2xx} non-2xx, ${r.errors} errors)`);
    if (unclean.length) opts.log?.(`NOT CLEAN — these runs measured refusals or errors, so the bench fails: ${unclean.join("; ")}`);
    const clean = unclean.length === 0;
    return { accounts, unclean, durationS: opts.durationS, token, tokenBaseline, tokenFixedRate, tokenBaselineFixedRate, tokenBaselineApp, tokenBaselineAppFixedRate, floorFixedRate, get, getBaseline, tokenRatio, getRatio, pass: clean && tokenRatio >= THROUGHPUT_RATIO_TARGET && getRatio >= THROUGHPUT_RATIO_TARGET && tokenFixedRate.medianP99 < P99_TARGET_MS };
  } finally {
    await floor.stop();
    await server.stop();
    delete process.env.GATEHOUSE_BENCH_BASELINE;
    delete process.env.GATEHOUSE_OAUTH_TOKENS_PER_MINUTE;
  }
}

export const benchLogFile = (work: string) => join(work, "oauth-server.log");
