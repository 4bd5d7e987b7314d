import { withApiAuth } from "@/lib/next/api";
import { removeApiKeyAccessEntry } from "@/lib/server/api-keys/manage";

export const dynamic = "force-dynamic";

export const DELETE = withApiAuth<{ orgId: string; apiUserId: string; entry: string }>({ versions: ["2023-01-01"], action: "api_keys.access_list.delete" }, async ({ ctx, params }) => {
  await removeApiKeyAccessEntry(ctx, { orgId: params.orgId, apiKeyId: params.apiUserId, entry: decodeURIComponent(params.entry) });
  return { status: 204 };
});
