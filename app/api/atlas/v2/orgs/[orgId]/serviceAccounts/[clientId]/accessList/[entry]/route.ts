import { withApiAuth } from "@/lib/next/api";
import { removeAccessListEntry } from "@/lib/server/service-accounts/manage";

export const dynamic = "force-dynamic";

/** The entry arrives path-escaped (10.0.0.0%2F8). */
export const DELETE = withApiAuth<{ orgId: string; clientId: string; entry: string }>({ versions: ["2024-08-05"], action: "service_accounts.access_list.delete" }, async ({ ctx, params }) => {
  await removeAccessListEntry(ctx, { orgId: params.orgId, clientId: params.clientId, entry: decodeURIComponent(params.entry) });
  return { status: 204 };
});
