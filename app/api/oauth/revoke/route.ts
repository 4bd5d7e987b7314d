import { NextResponse } from "next/server";
import { clientIpFrom } from "@/lib/next/request";
import { getRuntime } from "@/lib/server/runtime";
import { revokeEndpoint } from "@/lib/server/service-accounts/oauth";

export const dynamic = "force-dynamic";

/** RFC 7009: revoke an access token; 200 with an empty body. */
export async function POST(req: Request) {
  const r = await revokeEndpoint(getRuntime(), { authorization: req.headers.get("authorization"), contentType: req.headers.get("content-type"), body: await req.text(), ip: clientIpFrom(req.headers) });
  return r.body ? NextResponse.json(r.body, { status: r.status, headers: r.headers }) : new NextResponse(null, { status: r.status, headers: r.headers });
}
