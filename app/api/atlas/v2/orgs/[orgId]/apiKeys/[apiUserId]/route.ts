import { withApiAuth } from "@/lib/next/api";
import { apiKeyView } from "@/lib/server/admin-api/views";
import { deleteApiKey, getApiKey, updateApiKey } from "@/lib/server/api-keys/manage";

export const dynamic = "force-dynamic";
type P = { orgId: string; apiUserId: string };
const opts = { versions: ["2023-01-01"] } as const;

export const GET = withApiAuth<P>({ ...opts, action: "api_keys.get" }, async ({ ctx, params }) => ({ body: apiKeyView(await getApiKey(ctx, { orgId: params.orgId, apiKeyId: params.apiUserId })) }));

export const PATCH = withApiAuth<P>({ ...opts, action: "api_keys.update" }, async ({ ctx, params, body }) => {
  const b = (await body()) as Record<string, unknown>;
  return { body: apiKeyView(await updateApiKey(ctx, { ...b, orgId: params.orgId, apiKeyId: params.apiUserId })) };
});

export const DELETE = withApiAuth<P>({ ...opts, action: "api_keys.delete" }, async ({ ctx, params }) => {
  await deleteApiKey(ctx, { orgId: params.orgId, apiKeyId: params.apiUserId });
  return { status: 204 };
});
