import { withApiAuth } from "@/lib/next/api";
import { serviceAccountView } from "@/lib/server/admin-api/views";
import { deleteServiceAccount, getServiceAccount, updateServiceAccount } from "@/lib/server/service-accounts/manage";

export const dynamic = "force-dynamic";
type P = { orgId: string; clientId: string };
const opts = { versions: ["2024-08-05"] } as const;

export const GET = withApiAuth<P>({ ...opts, action: "service_accounts.get" }, async ({ ctx, params }) => ({ body: serviceAccountView(await getServiceAccount(ctx, params)) }));

export const PATCH = withApiAuth<P>({ ...opts, action: "service_accounts.update" }, async ({ ctx, params, body }) => {
  const b = (await body()) as Record<string, unknown>;
  return { body: serviceAccountView(await updateServiceAccount(ctx, { ...b, ...params })) };
});

export const DELETE = withApiAuth<P>({ ...opts, action: "service_accounts.delete" }, async ({ ctx, params }) => {
  await deleteServiceAccount(ctx, params);
  return { status: 204 };
});
