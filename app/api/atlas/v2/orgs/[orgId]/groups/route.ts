import { listEnvelope, withApiAuth } from "@/lib/next/api";
import { groupView } from "@/lib/server/admin-api/views";
import { listAllProjects } from "@/lib/server/projects";

export const dynamic = "force-dynamic";

export const GET = withApiAuth<{ orgId: string }>({ versions: ["2023-01-01"], action: "orgs.groups.list" }, async ({ ctx, params, url }) => ({ body: listEnvelope(url, (await listAllProjects(ctx, params.orgId)).map(groupView)) }));
