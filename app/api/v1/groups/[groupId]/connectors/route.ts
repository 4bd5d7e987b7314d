import { withApiAuth } from "@/lib/next/api";
import { listConnectors } from "@/lib/server/connectors/queries";

export const dynamic = "force-dynamic";

export const GET = withApiAuth<{ groupId: string }>({ versions: ["2026-01-01"], action: "v1.connectors.list" }, async ({ ctx, params }) => {
  const results = await listConnectors(ctx, params.groupId);
  return { body: { results, totalCount: results.length } };
});
