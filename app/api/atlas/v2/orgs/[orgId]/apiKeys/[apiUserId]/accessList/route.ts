import { listEnvelope, withApiAuth } from "@/lib/next/api";
import { keyAccessListView } from "@/lib/server/admin-api/views";
import { addApiKeyAccessList, getApiKey } from "@/lib/server/api-keys/manage";

export const dynamic = "force-dynamic";
type P = { orgId: string; apiUserId: string };
const opts = { versions: ["2023-01-01"] } as const;

export const GET = withApiAuth<P>({ ...opts, action: "api_keys.access_list.list" }, async ({ ctx, params, url }) => ({ body: listEnvelope(url, (await getApiKey(ctx, { orgId: params.orgId, apiKeyId: params.apiUserId })).accessList.map(keyAccessListView)) }));

export const POST = withApiAuth<P>({ ...opts, action: "api_keys.access_list.add" }, async ({ ctx, params, body, url }) => {
  const entries = await body();
  return { status: 201, body: listEnvelope(url, (await addApiKeyAccessList(ctx, { orgId: params.orgId, apiKeyId: params.apiUserId, entries })).map(keyAccessListView)) };
});
