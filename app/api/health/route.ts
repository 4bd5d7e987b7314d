import { NextResponse } from "next/server";
import pkg from "@/package.json";
import { getRuntime } from "@/lib/server/runtime";

export const dynamic = "force-dynamic";

/** Store reachability and version; nothing secret (no paths, no key ids). */
export async function GET() {
  let store: { ok: boolean; kind: string; schemaVersion?: number };
  try {
    const h = await getRuntime().store.health();
    store = { ok: h.ok, kind: h.kind, schemaVersion: h.schemaVersion };
  } catch {
    store = { ok: false, kind: "unknown" };
  }
  return NextResponse.json({ status: store.ok ? "ok" : "degraded", version: pkg.version, store }, { status: store.ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
