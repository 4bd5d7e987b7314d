import { withApiAuth } from "@/lib/next/api";
import { revokeSecret } from "@/lib/server/service-accounts/manage";

export const dynamic = "force-dynamic";

export const DELETE = withApiAuth<{ orgId: string; clientId: string; secretId: string }>({ versions: ["2024-08-05"], action: "service_accounts.secrets.delete" }, async ({ ctx, params }) => {
  await revokeSecret(ctx, params);
  return { status: 204 };
});
