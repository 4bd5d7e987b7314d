import { NextResponse } from "next/server";
import { clientIpFrom } from "@/lib/next/client-ip";
import { listEnvelope } from "@/lib/next/api";
import { orgView } from "@/lib/server/admin-api/views";
import { baselineOrgs, benchBaselineEnabled } from "@/lib/server/bench-baseline";

export const dynamic = "force-dynamic";

/** Bench only (GATEHOUSE_BENCH_BASELINE=1): GET /api/atlas/v2/orgs for ?clientId=, without auth. */
export async function GET(req: Request) {
  if (!benchBaselineEnabled(clientIpFrom(req.headers))) return new NextResponse(null, { status: 404 });
  const url = new URL(req.url);
  const orgs = await baselineOrgs(url.searchParams.get("clientId") ?? "");
  if (!orgs) return new NextResponse(null, { status: 404 });
  return new NextResponse(JSON.stringify(listEnvelope(url, orgs.map(orgView))), { headers: { "content-type": "application/vnd.atlas.2023-01-01+json;charset=utf-8", "cache-control": "no-store" } });
}
