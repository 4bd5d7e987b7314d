import "server-only";
import type { TAuditQuery } from "../schemas";
import type { AuthedCtx } from "./context";
import { exportAuditEvents, type AuditScope } from "./audit";

/** The download for the audit pages' "Export CSV/JSON" links, with the filters of the page. */
export async function auditExportResponse(ctx: AuthedCtx, scope: AuditScope, url: URL, filenameBase: string): Promise<Response> {
  const format = url.searchParams.get("format") === "json" ? "json" : "csv";
  const q: TAuditQuery = {
    actor: url.searchParams.get("actor") ?? undefined,
    action: url.searchParams.get("action") ?? undefined,
    from: url.searchParams.get("from") ?? undefined,
    to: url.searchParams.get("to") ?? undefined,
  };
  const body = await exportAuditEvents(ctx, scope, q, format);
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "content-type": format === "json" ? "application/json; charset=utf-8" : "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filenameBase}-audit-${stamp}.${format}"`,
      "cache-control": "no-store",
    },
  });
}
