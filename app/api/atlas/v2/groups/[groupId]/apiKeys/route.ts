import { listEnvelope, withApiAuth } from "@/lib/next/api";
import { apiKeyView } from "@/lib/server/admin-api/views";
import { createProjectApiKey, listProjectApiKeys } from "@/lib/server/api-keys/manage";

export const dynamic = "force-dynamic";
const opts = { versions: ["2023-01-01"] } as const;

/** The organization's API keys that have roles in this project. */
export const GET = withApiAuth<{ groupId: string }>({ ...opts, action: "groups.api_keys.list" }, async ({ ctx, params, url }) => ({
  body: listEnvelope(url, (await listProjectApiKeys(ctx, params.groupId)).map(apiKeyView)),
}));

/** Body {desc, roles: [GROUP_*]}: a new organization key with roles in this project; the private key is in this response only. */
export const POST = withApiAuth<{ groupId: string }>({ ...opts, action: "groups.api_keys.create" }, async ({ ctx, params, body }) => {
  const b = (await body()) as Record<string, unknown>;
  return { status: 201, body: apiKeyView(await createProjectApiKey(ctx, { ...b, projectId: params.groupId })) };
});
