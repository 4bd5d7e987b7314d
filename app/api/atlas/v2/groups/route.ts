import { listEnvelope, withApiAuth } from "@/lib/next/api";
import { groupView } from "@/lib/server/admin-api/views";
import { listAllProjects } from "@/lib/server/projects";

export const dynamic = "force-dynamic";

export const GET = withApiAuth({ versions: ["2023-01-01"], action: "groups.list" }, async ({ ctx, url }) => ({ body: listEnvelope(url, (await listAllProjects(ctx)).map(groupView)) }));
