import { listEnvelope, withApiAuth } from "@/lib/next/api";
import { orgView } from "@/lib/server/admin-api/views";
import { listMyOrgs } from "@/lib/server/orgs";

export const dynamic = "force-dynamic";

export const GET = withApiAuth({ versions: ["2023-01-01"], action: "orgs.list" }, async ({ ctx, url }) => ({ body: listEnvelope(url, (await listMyOrgs(ctx)).map(orgView)) }));
