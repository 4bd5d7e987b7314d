import { withSession } from "@/lib/next/route";
import { auditExportResponse } from "@/lib/server/audit-export-response";

export const GET = withSession<{ projectId: string }>((ctx, req, { projectId }) => auditExportResponse(ctx, { projectId }, new URL(req.url), `project-${projectId}`));
