import type { IncomingMessage, ServerResponse } from "node:http";
import { clientIpFrom } from "@/lib/next/client-ip";
import { baselineToken, benchBaselineEnabled } from "@/lib/server/bench-baseline";

export const config = { api: { bodyParser: false } };

/**
 * Bench only (GATEHOUSE_BENCH_BASELINE=1): HMAC compare + ES256 signing, nothing else, in the same
 * kind of route as the token endpoint (a Pages Router API route). The same work in an App Router
 * route handler is /api/bench-baseline/token-app.
 */
export default async function handler(req: IncomingMessage, res: ServerResponse) {
  if (!benchBaselineEnabled(clientIpFrom(req.headers))) {
    res.statusCode = 404;
    return void res.end();
  }
  for await (const _ of req) void _;
  const r = await baselineToken(req.headers.authorization ?? null);
  res.statusCode = r.status;
  res.setHeader("cache-control", "no-store");
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(r.body));
}
