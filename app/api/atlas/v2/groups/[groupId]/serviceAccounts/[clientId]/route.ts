import { GatehouseError } from "@/lib/errors";
import { withApiAuth } from "@/lib/next/api";
import { projectServiceAccountView } from "@/lib/server/admin-api/views";
import { inviteServiceAccountToProject, removeServiceAccountFromProject } from "@/lib/server/service-accounts/project-access";

export const dynamic = "force-dynamic";
type P = { groupId: string; clientId: string };
const opts = { versions: ["2024-08-05"] } as const;

/** `POST …/serviceAccounts/{clientId}:invite` {"roles":[…]} — the segment carries the custom method. */
export const POST = withApiAuth<P>({ ...opts, action: "groups.service_accounts.invite" }, async ({ ctx, params, body }) => {
  const m = /^(.+):invite$/.exec(decodeURIComponent(params.clientId));
  if (!m) throw new GatehouseError("NOT_FOUND", "Use POST /groups/{groupId}/serviceAccounts/{clientId}:invite.");
  const b = (await body()) as { roles?: unknown };
  return { body: projectServiceAccountView(await inviteServiceAccountToProject(ctx, { projectId: params.groupId, clientId: m[1], roles: b.roles }), params.groupId) };
});

export const DELETE = withApiAuth<P>({ ...opts, action: "groups.service_accounts.remove" }, async ({ ctx, params }) => {
  await removeServiceAccountFromProject(ctx, { projectId: params.groupId, clientId: params.clientId });
  return { status: 204 };
});
