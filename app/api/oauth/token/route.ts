import { NextResponse } from "next/server";
import { clientIpFrom } from "@/lib/next/request";
import { getRuntime } from "@/lib/server/runtime";
import { tokenEndpoint } from "@/lib/server/service-accounts/oauth";

export const dynamic = "force-dynamic";

/** RFC 6749 §4.4: client credentials. Service accounts get one-hour ES256 access tokens. */
export async function POST(req: Request) {
  const r = await tokenEndpoint(getRuntime(), { authorization: req.headers.get("authorization"), contentType: req.headers.get("content-type"), body: await req.text(), ip: clientIpFrom(req.headers) });
  return r.body ? NextResponse.json(r.body, { status: r.status, headers: r.headers }) : new NextResponse(null, { status: r.status, headers: r.headers });
}
