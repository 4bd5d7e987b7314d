import "server-only";
import { createHash } from "node:crypto";
import { recordAudit } from "../audit";
import { hashPassword } from "../auth/passwords";
import { nowIso } from "../clock";
import { GatehouseError } from "../errors";
import { newId } from "../ids";
import {
  ZAcceptOrgInvitationInput,
  ZAddOrgUserInput,
  ZRemoveOrgUserInput,
  ZRemoveProjectUserInput,
  ZRevokeOrgInvitationInput,
  ZSetOrgRolesInput,
  ZSetProjectRolesInput,
  parseInput,
} from "../schemas";
import type { OrgInvitationRecord, StoreWriter } from "../store/types";
import { actorOf, type AuthedCtx, type Ctx } from "./context";
import { roleName, type OrgRole } from "../authz";
import { toMemberDto, type MemberDto } from "./dto";
import { getOrgOrThrow, getProjectOrThrow, requireUser } from "./guard";
import { normalizeCode, readableCode } from "./readable-code";

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

export const INVITATION_DAYS = 7;

export type OrgInvitationDto = { id: string; email: string; roles: OrgRole[]; roleNames: string[]; createdAt: string; expiresAt: string };
export type AddOrgUserResult =
  | { created: true; member: MemberDto }
  /** The code is in this response only; Gatehouse keeps its hash. */
  | { created: false; invitation: OrgInvitationDto & { code: string } };

const alreadyMember = () =>
  new GatehouseError("CONFLICT", "This user is already a member of the organization.", { fieldErrors: { email: ["This user is already a member of the organization."] } });
const codeHash = (code: string) => createHash("sha256").update(normalizeCode(code)).digest("hex");
const invitationDto = (i: OrgInvitationRecord, email: string): OrgInvitationDto => ({ id: i.id, email, roles: i.roles, roleNames: i.roles.map(roleName), createdAt: i.createdAt, expiresAt: i.expiresAt });

/**
 * Adds a user to the organization. A new account gets the initial password and must change it
 * at first sign-in. An existing account is not added: whoever holds it must agree, so it gets an
 * invitation code (shown once, valid INVITATION_DAYS) that its holder enters after signing in.
 * Otherwise anyone who can create an organization could make an account for someone's email
 * first, with a password of their own, and be handed that person's roles when they are added.
 */
export async function addOrgUser(ctx: AuthedCtx, raw: unknown): Promise<AddOrgUserResult> {
  const input = parseInput(ZAddOrgUserInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.members.write");
  const existing = await ctx.rt.store.users.getByEmail(input.email);
  if (existing) return inviteExisting(ctx, org.id, existing.id, existing.email, input.roles);
  const passwordHash = await hashPassword(input.initialPassword);
  const t = nowIso();
  const userId = newId();
  await ctx.rt.store.transaction(async (tx) => {
    await tx.users.insert({ id: userId, email: input.email, name: input.name, passwordHash, mustChangePassword: true, version: 1, createdAt: t, updatedAt: t });
    await tx.memberships.putOrg({ orgId: org.id, userId, roles: input.roles }, null);
    await recordAudit(tx, actorOf(ctx), {
      action: "org.user_added",
      target: `user:${userId}`,
      orgId: org.id,
      detail: { email: input.email, roles: input.roles, newAccount: true },
    });
  });
  const members = await ctx.rt.store.memberships.listOrgMembers(org.id);
  return { created: true, member: toMemberDto(members.find((m) => m.user.id === userId)!) };
}

async function inviteExisting(ctx: AuthedCtx, orgId: string, userId: string, email: string, roles: OrgRole[]): Promise<AddOrgUserResult> {
  const code = readableCode();
  const now = nowIso();
  const invitation: OrgInvitationRecord = { id: newId(), orgId, userId, roles, codeHash: codeHash(code), invitedBy: ctx.principal?.id ?? null, createdAt: now, expiresAt: new Date(Date.parse(now) + INVITATION_DAYS * 86_400_000).toISOString() };
  await ctx.rt.store.transaction(async (tx) => {
    if (await tx.memberships.getOrg(orgId, userId)) throw alreadyMember();
    await tx.memberships.putInvitation(invitation);
    await recordAudit(tx, actorOf(ctx), { action: "org.user_invited", target: `user:${userId}`, orgId, detail: { email, roles, expiresAt: invitation.expiresAt } });
  });
  return { created: false, invitation: { ...invitationDto(invitation, email), code } };
}

/** Pending (unexpired) invitations of the organization. */
export async function listOrgInvitations(ctx: AuthedCtx, orgId: string): Promise<OrgInvitationDto[]> {
  const org = await getOrgOrThrow(ctx, orgId, "org.members.read");
  return (await ctx.rt.store.memberships.listOrgInvitations(org.id, nowIso())).map((i) => invitationDto(i, i.email));
}

export async function revokeOrgInvitation(ctx: AuthedCtx, raw: unknown): Promise<void> {
  const input = parseInput(ZRevokeOrgInvitationInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.members.write");
  const gone = () => new GatehouseError("NOT_FOUND", "This invitation does not exist any more: it was used, revoked or has expired. Reload the page.");
  const invitation = (await ctx.rt.store.memberships.listOrgInvitations(org.id, nowIso())).find((i) => i.id === input.invitationId);
  if (!invitation) throw gone();
  await ctx.rt.store.transaction(async (tx) => {
    if (!(await tx.memberships.deleteInvitation(invitation.id))) throw gone();
    await recordAudit(tx, actorOf(ctx), { action: "org.invitation_revoked", target: `user:${invitation.userId}`, orgId: org.id, detail: { email: invitation.email } });
  });
}

/**
 * The signed-in account accepts an invitation: it becomes a member with the invited roles. A
 * code for another account, or used, revoked or expired, is refused alike, saying nothing more.
 */
export async function acceptOrgInvitation(ctx: Ctx, raw: unknown): Promise<{ orgId: string; orgName: string }> {
  const input = parseInput(ZAcceptOrgInvitationInput, raw);
  requireUser(ctx);
  const user = ctx.user;
  const message = `This invitation code does not work for your account. Check it, or ask the organization's owner for a new one: a code works once, for the account it was made for, for ${INVITATION_DAYS} days.`;
  const refused = () => new GatehouseError("VALIDATION", message, { fieldErrors: { code: [message] } });
  const hash = codeHash(input.code);
  const invitation = await ctx.rt.store.memberships.getInvitationByCodeHash(hash);
  if (invitation && invitation.userId !== user.id) {
    // A real code in the wrong hands: the inviting organization should know it went astray.
    await ctx.rt.store.transaction((tx) =>
      recordAudit(tx, actorOf(ctx), { action: "org.invitation_refused", target: `user:${user.id}`, orgId: invitation.orgId, outcome: "failure", detail: { reason: "the code was made for another account" } }),
    );
  }
  return ctx.rt.store.transaction(async (tx) => {
    const invitation = await tx.memberships.getInvitationByCodeHash(hash);
    if (!invitation || invitation.userId !== user.id || invitation.expiresAt <= nowIso()) throw refused();
    const org = (await tx.orgs.get(invitation.orgId))!;
    await tx.memberships.deleteInvitation(invitation.id);
    if (await tx.memberships.getOrg(org.id, user.id)) throw alreadyMember();
    await tx.memberships.putOrg({ orgId: org.id, userId: user.id, roles: invitation.roles }, null);
    await recordAudit(tx, actorOf(ctx), { action: "org.invitation_accepted", target: `user:${user.id}`, orgId: org.id, detail: { roles: invitation.roles } });
    return { orgId: org.id, orgName: org.name };
  });
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
