import { GatehouseError } from "@/lib/errors";
import { withApiAuth } from "@/lib/next/api";
import { listAuditEvents } from "@/lib/server/audit";

export const dynamic = "force-dynamic";

/** The audit trail, filtered: ?actor=&action=&from=&to=&page= (as on the Audit page). */
export const GET = withApiAuth<{ groupId: string }>({ versions: ["2026-01-01"], action: "v1.events.list" }, async ({ ctx, params, url }) => {
  const r = await listAuditEvents(ctx, { projectId: params.groupId }, Object.fromEntries(url.searchParams));
  if (r.filterErrors) throw new GatehouseError("VALIDATION", Object.values(r.filterErrors).flat().join(" "), { fieldErrors: r.filterErrors });
  return { body: { results: r.items, totalCount: r.total, pageNum: r.page, itemsPerPage: r.pageSize } };
});
