import { withSession } from "@/lib/next/route";
import { auditExportResponse } from "@/lib/server/audit-export-response";

export const GET = withSession<{ orgId: string }>((ctx, req, { orgId }) => auditExportResponse(ctx, { orgId }, new URL(req.url), `org-${orgId}`));
