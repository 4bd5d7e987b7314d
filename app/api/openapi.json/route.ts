import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/server/admin-api/openapi";

export const dynamic = "force-dynamic";

/** The Admin API's OpenAPI 3.1 document (public: it describes, it grants nothing). */
export function GET() {
  return NextResponse.json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
