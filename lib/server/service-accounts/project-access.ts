import "server-only";
import { recordAudit } from "../../audit";
import { now } from "../../clock";
import { notFound } from "../../errors";
import { ZProjectAccessInput, ZRemoveProjectAccessInput, parseInput } from "../../schemas";
import { actorOf, type PrincipalCtx } from "../context";
import { getProjectOrThrow } from "../guard";
import { toServiceAccountDto } from "./dto";

async function accountOfProjectOrg(ctx: PrincipalCtx, orgId: string, clientId: string) {
  const a = await ctx.rt.store.serviceAccounts.getByClientId(clientId);
  // Only the project's own organization's accounts can be invited.
  if (!a || a.orgId !== orgId) throw notFound("This service account");
  return a;
}

/** `:invite` — give an organization's service account roles in one project (replaces its roles there). */
export async function inviteServiceAccountToProject(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZProjectAccessInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.service_accounts.write");
  const a = await accountOfProjectOrg(ctx, project.orgId, input.clientId);
  await ctx.rt.store.transaction(async (tx) => {
    await tx.serviceAccounts.putProject({ serviceAccountId: a.id, projectId: project.id, roles: input.roles });
    await recordAudit(tx, actorOf(ctx), { action: "service_account.project_access_set", target: `service_account:${a.clientId}`, orgId: project.orgId, projectId: project.id, detail: { roles: input.roles } });
  });
  return toServiceAccountDto(ctx, a, now());
}

export async function removeServiceAccountFromProject(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZRemoveProjectAccessInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.service_accounts.write");
  const a = await accountOfProjectOrg(ctx, project.orgId, input.clientId);
  await ctx.rt.store.transaction(async (tx) => {
    if (!(await tx.serviceAccounts.removeProject(a.id, project.id))) throw notFound("This service account's project access");
    await recordAudit(tx, actorOf(ctx), { action: "service_account.project_access_removed", target: `service_account:${a.clientId}`, orgId: project.orgId, projectId: project.id, detail: {} });
  });
}

export async function listProjectServiceAccounts(ctx: PrincipalCtx, projectId: string) {
  const project = await getProjectOrThrow(ctx, projectId, "project.service_accounts.read");
  const at = now();
  return Promise.all((await ctx.rt.store.serviceAccounts.listByProject(project.id)).map((a) => toServiceAccountDto(ctx, a, at)));
}
