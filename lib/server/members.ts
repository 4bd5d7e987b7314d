import "server-only";
import { recordAudit } from "../audit";
import { hashPassword } from "../auth/passwords";
import { nowIso } from "../clock";
import { GatehouseError } from "../errors";
import { newId } from "../ids";
import {
  ZAddOrgUserInput,
  ZRemoveOrgUserInput,
  ZRemoveProjectUserInput,
  ZSetOrgRolesInput,
  ZSetProjectRolesInput,
  parseInput,
} from "../schemas";
import type { StoreWriter } from "../store/types";
import { actorOf, type AuthedCtx } from "./context";
import { toMemberDto, type MemberDto } from "./dto";
import { getOrgOrThrow, getProjectOrThrow } from "./guard";

export async function listOrgMembers(ctx: AuthedCtx, orgId: string): Promise<MemberDto[]> {
  const org = await getOrgOrThrow(ctx, orgId, "org.members.read");
  return (await ctx.rt.store.memberships.listOrgMembers(org.id)).map(toMemberDto);
}

export async function listProjectMembers(ctx: AuthedCtx, projectId: string): Promise<MemberDto[]> {
  const project = await getProjectOrThrow(ctx, projectId, "project.members.read");
  return (await ctx.rt.store.memberships.listProjectMembers(project.id)).map(toMemberDto);
}

/** Organization members who do not yet have a role in the project (for "Add User" on the project). */
export async function listProjectAccessCandidates(ctx: AuthedCtx, projectId: string): Promise<{ id: string; label: string }[]> {
  const project = await getProjectOrThrow(ctx, projectId, "project.members.write");
  const [orgMembers, projectMembers] = await Promise.all([
    ctx.rt.store.memberships.listOrgMembers(project.orgId),
    ctx.rt.store.memberships.listProjectMembers(project.id),
  ]);
  const inProject = new Set(projectMembers.map((m) => m.user.id));
  return orgMembers.filter((m) => !inProject.has(m.user.id)).map((m) => ({ id: m.user.id, label: `${m.user.name} (${m.user.email})` }));
}

async function assertOwnerRemains(tx: StoreWriter, orgId: string) {
  if ((await tx.memberships.countOrgOwners(orgId)) === 0) {
    throw new GatehouseError("CONFLICT", "An organization needs at least one Organization Owner. Make someone else an owner first.", {
      fieldErrors: { roles: ["An organization needs at least one Organization Owner."] },
    });
  }
}

/**
 * Adds a user to the organization. A new account gets the initial password and must change it
 * at first sign-in; an existing account (member of another organization) keeps its password.
 */
export async function addOrgUser(ctx: AuthedCtx, raw: unknown): Promise<{ member: MemberDto; created: boolean }> {
  const input = parseInput(ZAddOrgUserInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.members.write");
  const existing = await ctx.rt.store.users.getByEmail(input.email);
  const passwordHash = existing ? null : await hashPassword(input.initialPassword);
  const t = nowIso();
  const userId = existing?.id ?? newId();
  await ctx.rt.store.transaction(async (tx) => {
    if (!existing) {
      await tx.users.insert({ id: userId, email: input.email, name: input.name, passwordHash: passwordHash!, mustChangePassword: true, version: 1, createdAt: t, updatedAt: t });
    } else if (await tx.memberships.getOrg(org.id, existing.id)) {
      throw new GatehouseError("CONFLICT", "This user is already a member of the organization.", {
        fieldErrors: { email: ["This user is already a member of the organization."] },
      });
    }
    await tx.memberships.putOrg({ orgId: org.id, userId, roles: input.roles }, null);
    await recordAudit(tx, actorOf(ctx), {
      action: "org.user_added",
      target: `user:${userId}`,
      orgId: org.id,
      detail: { email: input.email, roles: input.roles, newAccount: !existing },
    });
  });
  const members = await ctx.rt.store.memberships.listOrgMembers(org.id);
  return { member: toMemberDto(members.find((m) => m.user.id === userId)!), created: !existing };
}

export async function setOrgRoles(ctx: AuthedCtx, raw: unknown): Promise<void> {
  const input = parseInput(ZSetOrgRolesInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.members.write");
  await ctx.rt.store.transaction(async (tx) => {
    const before = await tx.memberships.getOrg(org.id, input.userId);
    if (!before) throw new GatehouseError("NOT_FOUND", "This user is not a member of the organization.");
    await tx.memberships.putOrg({ orgId: org.id, userId: input.userId, roles: input.roles }, input.version);
    await assertOwnerRemains(tx, org.id);
    await recordAudit(tx, actorOf(ctx), { action: "org.user_roles_changed", target: `user:${input.userId}`, orgId: org.id, detail: { from: before.roles, to: input.roles } });
  });
}

export async function removeOrgUser(ctx: AuthedCtx, raw: unknown): Promise<void> {
  const input = parseInput(ZRemoveOrgUserInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.members.write");
  await ctx.rt.store.transaction(async (tx) => {
    const before = await tx.memberships.getOrg(org.id, input.userId);
    if (!before) throw new GatehouseError("NOT_FOUND", "This user is not a member of the organization.");
    await tx.memberships.removeOrg(org.id, input.userId);
    await assertOwnerRemains(tx, org.id);
    await recordAudit(tx, actorOf(ctx), { action: "org.user_removed", target: `user:${input.userId}`, orgId: org.id, detail: { roles: before.roles } });
  });
}

/** Grants or changes a project role of a member of the project's organization. */
export async function setProjectRoles(ctx: AuthedCtx, raw: unknown): Promise<void> {
  const input = parseInput(ZSetProjectRolesInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.members.write");
  await ctx.rt.store.transaction(async (tx) => {
    if (!(await tx.memberships.getOrg(project.orgId, input.userId))) {
      throw new GatehouseError("VALIDATION", "Add this user to the organization first.", { fieldErrors: { userId: ["Add this user to the organization first."] } });
    }
    const before = await tx.memberships.getProject(project.id, input.userId);
    await tx.memberships.putProject({ projectId: project.id, userId: input.userId, roles: input.roles }, before ? (input.version ?? before.version) : null);
    await recordAudit(tx, actorOf(ctx), {
      action: before ? "project.user_roles_changed" : "project.user_added",
      target: `user:${input.userId}`,
      orgId: project.orgId,
      projectId: project.id,
      detail: { from: before?.roles ?? [], to: input.roles },
    });
  });
}

export async function removeProjectUser(ctx: AuthedCtx, raw: unknown): Promise<void> {
  const input = parseInput(ZRemoveProjectUserInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.members.write");
  await ctx.rt.store.transaction(async (tx) => {
    const before = await tx.memberships.getProject(project.id, input.userId);
    if (!before) throw new GatehouseError("NOT_FOUND", "This user has no access to the project.");
    await tx.memberships.removeProject(project.id, input.userId);
    await recordAudit(tx, actorOf(ctx), { action: "project.user_removed", target: `user:${input.userId}`, orgId: project.orgId, projectId: project.id, detail: { roles: before.roles } });
  });
}
