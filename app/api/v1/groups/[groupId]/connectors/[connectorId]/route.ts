import { withApiAuth } from "@/lib/next/api";
import { getConnectorDetails } from "@/lib/server/connectors/queries";

export const dynamic = "force-dynamic";

/** Status, last check and history. */
export const GET = withApiAuth<{ groupId: string; connectorId: string }>({ versions: ["2026-01-01"], action: "v1.connectors.get" }, async ({ ctx, params }) => {
  const d = await getConnectorDetails(ctx, params.groupId, params.connectorId);
  return { body: { ...d.connector, history: d.history, warnings: d.warnings } };
});
