// The service-accounts issue's targets, measured with autocannon on loopback against the
// production build (GATEHOUSE_BENCH_BASELINE=1 turns on two bench-only routes):
//   - POST /api/oauth/token throughput ≥ 0.5× a bare Next.js route doing only the same HMAC
//     compare and ES256 signing (/api/bench-baseline/token), and p99 < 20 ms at 200 requests/s
//     (an open-loop constant-rate run, scripts/load-open.ts: autocannon's rate mode sends bursts);
//   - a bearer-authenticated GET /api/atlas/v2/orgs ≥ 0.5× the same GET without auth
//     (/api/bench-baseline/orgs).
// Token requests cycle over many service accounts (each may hold 100 active tokens, as in Atlas).
import autocannon from "autocannon";
import { join } from "node:path";
import { startServer } from "./bench-server";
import { openLoopInChild, type OpenLoopResult } from "./load-open";

export const THROUGHPUT_RATIO_TARGET = 0.5;
export const P99_TARGET_MS = 20;
export const FIXED_RATE = 200;

type Run = { rps: number; p50: number; p99: number; non2xx: number; errors: number; total: number };
export type OAuthBench = {
  accounts: number;
  durationS: number;
  token: Run;
  tokenBaseline: Run;
  /** Open loop: one request every 1/FIXED_RATE s, latency from each request's due time. */
  tokenFixedRate: OpenLoopResult;
  /** The bare route at the same fixed rate: what this machine gives a route that does nothing else. */
  tokenBaselineFixedRate: OpenLoopResult;
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

export async function benchOAuth(opts: { dataDir: string; logFile: string; durationS: number; accounts?: number; log?: (m: string) => void }): Promise<OAuthBench> {
  const accounts = opts.accounts ?? 200;
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
    const tokenBaseline = await run({ ...tokenReq("/api/bench-baseline/token"), ...base });
    const token = await run({ ...tokenReq("/api/oauth/token"), ...base });
    opts.log?.(`token endpoint ${token.rps.toFixed(0)} req/s vs bare route ${tokenBaseline.rps.toFixed(0)} req/s`);
    const fixedRate = (path: string) =>
      openLoopInChild({
        url: server.url,
        rate: FIXED_RATE,
        durationS: opts.durationS,
        requests: basic.map((authorization) => ({ method: "POST", path, body: "grant_type=client_credentials", headers: { "content-type": "application/x-www-form-urlencoded", authorization } })),
      });
    const tokenFixedRate = await fixedRate("/api/oauth/token");
    const tokenBaselineFixedRate = await fixedRate("/api/bench-baseline/token");
    opts.log?.(`token endpoint at ${FIXED_RATE} req/s (open loop): p50 ${tokenFixedRate.p50} ms, p99 ${tokenFixedRate.p99} ms, max ${tokenFixedRate.max} ms (bare route: p99 ${tokenBaselineFixedRate.p99} ms)`);

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
    const clean = [token, tokenBaseline, tokenFixedRate, tokenBaselineFixedRate, get, getBaseline].every((r) => r.non2xx === 0 && r.errors === 0);
    return { accounts, durationS: opts.durationS, token, tokenBaseline, tokenFixedRate, tokenBaselineFixedRate, get, getBaseline, tokenRatio, getRatio, pass: clean && tokenRatio >= THROUGHPUT_RATIO_TARGET && getRatio >= THROUGHPUT_RATIO_TARGET && tokenFixedRate.p99 < P99_TARGET_MS };
  } finally {
    await server.stop();
    delete process.env.GATEHOUSE_BENCH_BASELINE;
    delete process.env.GATEHOUSE_OAUTH_TOKENS_PER_MINUTE;
  }
}

export const benchLogFile = (work: string) => join(work, "oauth-server.log");
