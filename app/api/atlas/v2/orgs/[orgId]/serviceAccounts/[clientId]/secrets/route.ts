import { withApiAuth } from "@/lib/next/api";
import { secretView } from "@/lib/server/admin-api/views";
import { generateSecret } from "@/lib/server/service-accounts/manage";

export const dynamic = "force-dynamic";

/** "Generate New Secret": 201 with the secret, shown this once. */
export const POST = withApiAuth<{ orgId: string; clientId: string }>({ versions: ["2024-08-05"], action: "service_accounts.secrets.create" }, async ({ ctx, params, body }) => {
  const b = (await body()) as Record<string, unknown>;
  return { status: 201, body: secretView(await generateSecret(ctx, { ...b, ...params })) };
});
