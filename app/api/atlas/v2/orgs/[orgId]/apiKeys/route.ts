import { listEnvelope, withApiAuth } from "@/lib/next/api";
import { apiKeyView } from "@/lib/server/admin-api/views";
import { createApiKey, listApiKeys } from "@/lib/server/api-keys/manage";

export const dynamic = "force-dynamic";
const opts = { versions: ["2023-01-01"] } as const;

export const GET = withApiAuth<{ orgId: string }>({ ...opts, action: "api_keys.list" }, async ({ ctx, params, url }) => ({ body: listEnvelope(url, (await listApiKeys(ctx, params.orgId)).map(apiKeyView)) }));

/** Body {desc, roles}; the private key is in this response only. */
export const POST = withApiAuth<{ orgId: string }>({ ...opts, action: "api_keys.create" }, async ({ ctx, params, body }) => {
  const b = (await body()) as Record<string, unknown>;
  return { status: 201, body: apiKeyView(await createApiKey(ctx, { ...b, orgId: params.orgId })) };
});
