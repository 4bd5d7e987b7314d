import { listEnvelope, withApiAuth } from "@/lib/next/api";
import { projectServiceAccountView } from "@/lib/server/admin-api/views";
import { listProjectServiceAccounts } from "@/lib/server/service-accounts/project-access";

export const dynamic = "force-dynamic";

export const GET = withApiAuth<{ groupId: string }>({ versions: ["2024-08-05"], action: "groups.service_accounts.list" }, async ({ ctx, params, url }) => ({
  body: listEnvelope(url, (await listProjectServiceAccounts(ctx, params.groupId)).map((a) => projectServiceAccountView(a, params.groupId))),
}));
