import { withApiAuth } from "@/lib/next/api";
import { groupView } from "@/lib/server/admin-api/views";
import { getProject } from "@/lib/server/projects";

export const dynamic = "force-dynamic";

export const GET = withApiAuth<{ groupId: string }>({ versions: ["2023-01-01"], action: "groups.get" }, async ({ ctx, params }) => ({ body: groupView((await getProject(ctx, params.groupId)).project) }));
