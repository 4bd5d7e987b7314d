import { withApiAuth } from "@/lib/next/api";
import { orgView } from "@/lib/server/admin-api/views";
import { getOrg } from "@/lib/server/orgs";

export const dynamic = "force-dynamic";

export const GET = withApiAuth<{ orgId: string }>({ versions: ["2023-01-01"], action: "orgs.get" }, async ({ ctx, params }) => ({ body: orgView(await getOrg(ctx, params.orgId)) }));
