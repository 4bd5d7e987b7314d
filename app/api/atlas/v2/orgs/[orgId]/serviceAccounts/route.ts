import { listEnvelope, withApiAuth } from "@/lib/next/api";
import { serviceAccountView } from "@/lib/server/admin-api/views";
import { createServiceAccount, listServiceAccounts } from "@/lib/server/service-accounts/manage";

export const dynamic = "force-dynamic";
const opts = { versions: ["2024-08-05"] } as const;

export const GET = withApiAuth<{ orgId: string }>({ ...opts, action: "service_accounts.list" }, async ({ ctx, params, url }) => ({ body: listEnvelope(url, (await listServiceAccounts(ctx, params.orgId)).map(serviceAccountView)) }));

/** 201 with the secret, shown this once. */
export const POST = withApiAuth<{ orgId: string }>({ ...opts, action: "service_accounts.create" }, async ({ ctx, params, body }) => {
  const b = (await body()) as Record<string, unknown>;
  return { status: 201, body: serviceAccountView(await createServiceAccount(ctx, { ...b, orgId: params.orgId })) };
});
