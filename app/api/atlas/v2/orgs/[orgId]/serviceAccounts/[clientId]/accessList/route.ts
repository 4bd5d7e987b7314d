import { listEnvelope, withApiAuth } from "@/lib/next/api";
import { accessListView } from "@/lib/server/admin-api/views";
import { addAccessListEntries, getServiceAccount } from "@/lib/server/service-accounts/manage";

export const dynamic = "force-dynamic";
type P = { orgId: string; clientId: string };
const opts = { versions: ["2024-08-05"] } as const;

export const GET = withApiAuth<P>({ ...opts, action: "service_accounts.access_list.list" }, async ({ ctx, params, url }) => ({ body: listEnvelope(url, (await getServiceAccount(ctx, params)).accessList.map(accessListView)) }));

/** Takes an array of {ipAddress} or {cidrBlock}, as Atlas does. */
export const POST = withApiAuth<P>({ ...opts, action: "service_accounts.access_list.add" }, async ({ ctx, params, body, url }) => {
  const entries = await body();
  return { status: 201, body: listEnvelope(url, (await addAccessListEntries(ctx, { ...params, entries })).map(accessListView)) };
});
