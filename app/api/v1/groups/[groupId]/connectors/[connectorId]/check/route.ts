import { withApiAuth } from "@/lib/next/api";
import { checkConnectorNow } from "@/lib/server/connectors/manage";

export const dynamic = "force-dynamic";

/** "Check now": runs a connectivity check and answers with the connector's new status. */
export const POST = withApiAuth<{ groupId: string; connectorId: string }>({ versions: ["2026-01-01"], action: "v1.connectors.check" }, async ({ ctx, params }) => ({ body: await checkConnectorNow(ctx, { projectId: params.groupId, connectorId: params.connectorId }) }));
