import "server-only";
import { recordAudit } from "../audit";
import { can } from "../authz";
import { nowIso } from "../clock";
import { GatehouseError } from "../errors";
import { newId } from "../ids";
import { ZCreateOrgInput, ZDeleteOrgInput, ZRenameOrgInput, parseInput } from "../schemas";
import { actorOf, type AuthedCtx, type PrincipalCtx } from "./context";
import { toOrgDto, type OrgDto } from "./dto";
import { getOrgOrThrow } from "./guard";

export async function listMyOrgs(ctx: PrincipalCtx): Promise<OrgDto[]> {
  const orgs = await ctx.rt.store.orgs.listByIds(Object.keys(ctx.principal.orgRoles));
  return orgs.filter((o) => can(ctx.principal, "org.read", { orgId: o.id })).map(toOrgDto);
}

export async function getOrg(ctx: PrincipalCtx, orgId: string): Promise<OrgDto> {
  return toOrgDto(await getOrgOrThrow(ctx, orgId));
}

/** The settings page is for those who may rename the organization. */
export async function getOrgForSettings(ctx: AuthedCtx, orgId: string): Promise<OrgDto> {
  return toOrgDto(await getOrgOrThrow(ctx, orgId, "org.rename"));
}

/** Any signed-in user may create an organization (as in Atlas) and becomes its owner. */
export async function createOrg(ctx: AuthedCtx, raw: unknown): Promise<OrgDto> {
  const input = parseInput(ZCreateOrgInput, raw);
  const t = nowIso();
  const org = { id: newId(), name: input.name, version: 1, createdAt: t, updatedAt: t };
  await ctx.rt.store.transaction(async (tx) => {
    await tx.orgs.insert(org);
    await tx.memberships.putOrg({ orgId: org.id, userId: ctx.user.id, roles: ["ORG_OWNER"] }, null);
    await recordAudit(tx, actorOf(ctx), { action: "org.created", target: `org:${org.id}`, orgId: org.id, detail: { name: org.name } });
  });
  return toOrgDto(org);
}

export async function renameOrg(ctx: AuthedCtx, raw: unknown): Promise<OrgDto> {
  const input = parseInput(ZRenameOrgInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.rename");
  const updated = await ctx.rt.store.transaction(async (tx) => {
    const o = await tx.orgs.rename(org.id, input.version, input.name);
    await recordAudit(tx, actorOf(ctx), { action: "org.renamed", target: `org:${org.id}`, orgId: org.id, detail: { from: org.name, to: o.name } });
    return o;
  });
  return toOrgDto(updated);
}

export async function deleteOrg(ctx: AuthedCtx, raw: unknown): Promise<void> {
  const input = parseInput(ZDeleteOrgInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.delete");
  if (input.confirmName !== org.name) {
    throw new GatehouseError("VALIDATION", "Type the organization's name exactly to confirm.", {
      fieldErrors: { confirmName: [`Type "${org.name}" to confirm.`] },
    });
  }
  await ctx.rt.store.transaction(async (tx) => {
    const projects = await tx.projects.countByOrg(org.id);
    if (projects > 0) {
      throw new GatehouseError("CONFLICT", `This organization still has ${projects} project${projects === 1 ? "" : "s"}. Delete ${projects === 1 ? "it" : "them"} first.`, {
        fieldErrors: { confirmName: ["Delete the organization's projects first."] },
      });
    }
    await tx.orgs.delete(org.id, input.version);
    await recordAudit(tx, actorOf(ctx), { action: "org.deleted", target: `org:${org.id}`, orgId: org.id, detail: { name: org.name } });
  });
}

/** Where "/" leads a signed-in user: straight into their organization when they have just one. */
export async function homePath(ctx: AuthedCtx): Promise<string> {
  const orgs = await listMyOrgs(ctx);
  return orgs.length === 1 ? `/orgs/${orgs[0]!.id}` : "/orgs";
}
