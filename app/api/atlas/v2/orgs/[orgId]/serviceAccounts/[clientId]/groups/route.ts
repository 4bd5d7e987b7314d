import { listEnvelope, withApiAuth } from "@/lib/next/api";
import { getServiceAccount } from "@/lib/server/service-accounts/manage";

export const dynamic = "force-dynamic";

export const GET = withApiAuth<{ orgId: string; clientId: string }>({ versions: ["2024-08-05"], action: "service_accounts.groups.list" }, async ({ ctx, params, url }) => ({
  body: listEnvelope(url, (await getServiceAccount(ctx, params)).projects.map((p) => ({ groupId: p.projectId, groupName: p.projectName, roles: p.roles }))),
}));
