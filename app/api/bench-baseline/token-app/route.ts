import { NextResponse } from "next/server";
import { clientIpFrom } from "@/lib/next/client-ip";
import { baselineToken, benchBaselineEnabled } from "@/lib/server/bench-baseline";

export const dynamic = "force-dynamic";

/** Bench only (GATEHOUSE_BENCH_BASELINE=1): the bare token route (pages/api/bench-baseline/token) as an App Router route handler, for comparison. */
export async function POST(req: Request) {
  if (!benchBaselineEnabled(clientIpFrom(req.headers))) return new NextResponse(null, { status: 404 });
  await req.text();
  const r = await baselineToken(req.headers.get("authorization"));
  return NextResponse.json(r.body, { status: r.status, headers: { "cache-control": "no-store" } });
}
