import "server-only";
import { recordAudit, recordUserAudit } from "../audit";
import { dummyHash, hashPassword, verifyPassword } from "../auth/passwords";
import { now, nowIso } from "../clock";
import { GatehouseError } from "../errors";
import { newId } from "../ids";
import { ZChangePasswordInput, ZLoginInput, ZSetupInput, parseInput } from "../schemas";
import { actorOf, type Ctx } from "./context";
import { consumeSetupCode, setupCodeMatches } from "./setup-code";
import { createSession } from "./sessions";
import { reserveAttempt, settleSuccess } from "./throttle";

const INVALID_LOGIN = "The email address or password is not correct.";

export async function isSetupOpen(ctx: Pick<Ctx, "rt">): Promise<boolean> {
  return (await ctx.rt.store.users.count()) === 0;
}

/** Creates the first Organization Owner, organization and project; refused once any user exists. */
export async function completeSetup(ctx: Ctx, raw: unknown) {
  if (!(await isSetupOpen(ctx))) throw new GatehouseError("NOT_FOUND", "This page does not exist.");
  // Per IP; without a known IP, one count for the instance (better than none).
  const throttleKeys = ctx.ip ? { scope: "setup" as const, ip: ctx.ip } : { scope: "setup" as const, account: "instance", ip: null };
  const input = parseInput(ZSetupInput, raw);
  await reserveAttempt(ctx.rt, throttleKeys);
  if (!setupCodeMatches(ctx.rt.config.dataDir, input.setupCode)) {
    await ctx.rt.store.transaction(async (tx) => {
      await recordAudit(tx, actorOf(ctx), { action: "setup.failed", target: "instance", outcome: "failure", detail: { reason: "bad setup code" } });
    });
    throw new GatehouseError("VALIDATION", "The setup code is not correct.", {
      fieldErrors: { setupCode: ["The setup code is not correct. It is printed in the server log at first start and kept in the data directory (file setup-code)."] },
    });
  }
  const passwordHash = await hashPassword(input.password);
  const t = nowIso();
  const base = { version: 1, createdAt: t, updatedAt: t };
  const user = { id: newId(), email: input.email, name: input.name, passwordHash, mustChangePassword: false, ...base };
  const org = { id: newId(), name: input.orgName, ...base };
  const project = { id: newId(), orgId: org.id, name: input.projectName, ...base };
  const result = await ctx.rt.store.transaction(async (tx) => {
    // Re-checked inside the write transaction: two setup requests racing cannot both win.
    if ((await tx.users.count()) > 0) throw new GatehouseError("NOT_FOUND", "This page does not exist.");
    await tx.users.insert(user);
    await tx.orgs.insert(org);
    await tx.projects.insert(project);
    await tx.memberships.putOrg({ orgId: org.id, userId: user.id, roles: ["ORG_OWNER"] }, null);
    await tx.memberships.putProject({ projectId: project.id, userId: user.id, roles: ["GROUP_OWNER"] }, null);
    const actor = { id: user.id, label: user.email, ip: ctx.ip };
    await recordAudit(tx, actor, { action: "setup.completed", target: `user:${user.id}`, orgId: org.id });
    await recordAudit(tx, actor, { action: "org.created", target: `org:${org.id}`, orgId: org.id, detail: { name: org.name } });
    await recordAudit(tx, actor, { action: "project.created", target: `project:${project.id}`, orgId: org.id, projectId: project.id, detail: { name: project.name } });
    await settleSuccess(tx, ctx.rt, throttleKeys);
    const session = await createSession(tx, ctx.rt, user.id, ctx);
    return { userId: user.id, orgId: org.id, projectId: project.id, session };
  });
  consumeSetupCode(ctx.rt.config.dataDir);
  return result;
}

/** Signs in; the caller sets the returned token as the (new) session cookie. */
export async function login(ctx: Ctx, raw: unknown, previousSessionHash?: string) {
  const input = parseInput(ZLoginInput, raw);
  const keys = { account: input.email, ip: ctx.ip };
  await reserveAttempt(ctx.rt, keys);
  const user = await ctx.rt.store.users.getByEmail(input.email);
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok) {
    await ctx.rt.store.transaction(async (tx) => {
      await recordUserAudit(tx, { id: user?.id ?? null, label: input.email.slice(0, 254), ip: ctx.ip }, user?.id ?? null, {
        action: "auth.login",
        target: user ? `user:${user.id}` : "user:unknown",
        outcome: "failure",
      });
    });
    throw new GatehouseError("UNAUTHENTICATED", INVALID_LOGIN, { fieldErrors: { _form: [INVALID_LOGIN] } });
  }
  return ctx.rt.store.transaction(async (tx) => {
    // Rotation: whatever session the browser had before is dropped; sign-in always mints a new id.
    if (previousSessionHash) await tx.sessions.delete(previousSessionHash);
    // Housekeeping rides on sign-in: sessions past either limit are dead weight in the table.
    const t = now().getTime();
    await tx.sessions.deleteExpired(new Date(t).toISOString(), new Date(t - ctx.rt.config.sessionIdleMinutes * 60_000).toISOString());
    await settleSuccess(tx, ctx.rt, keys);
    await recordUserAudit(tx, { id: user.id, label: user.email, ip: ctx.ip }, user.id, { action: "auth.login", target: `user:${user.id}` });
    const session = await createSession(tx, ctx.rt, user.id, ctx);
    return { session, mustChangePassword: user.mustChangePassword };
  });
}

export async function logout(ctx: Ctx, sessionHash: string | undefined) {
  if (!sessionHash) return;
  await ctx.rt.store.transaction(async (tx) => {
    await tx.sessions.delete(sessionHash);
    if (ctx.user) await recordUserAudit(tx, actorOf(ctx), ctx.user.id, { action: "auth.logout", target: `user:${ctx.user.id}` });
  });
}

/** Also the forced change of an initial password; ends every other session of the user. */
export async function changePassword(ctx: Ctx, raw: unknown, currentSessionHash: string) {
  if (!ctx.user) throw new GatehouseError("UNAUTHENTICATED", "Sign in to continue.");
  const user = ctx.user;
  const input = parseInput(ZChangePasswordInput, raw);
  const keys = { scope: "password" as const, account: user.id, ip: ctx.ip };
  await reserveAttempt(ctx.rt, keys);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    await ctx.rt.store.transaction(async (tx) => {
      await recordUserAudit(tx, actorOf(ctx), user.id, { action: "user.password_change_failed", target: `user:${user.id}`, outcome: "failure", detail: { reason: "wrong current password" } });
    });
    throw new GatehouseError("BAD_PASSWORD", "The current password is not correct.", {
      fieldErrors: { currentPassword: ["The current password is not correct."] },
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.rt.store.transaction(async (tx) => {
    await settleSuccess(tx, ctx.rt, keys);
    await tx.users.update(user.id, user.version, { passwordHash, mustChangePassword: false });
    await tx.sessions.deleteForUser(user.id, currentSessionHash);
    await recordUserAudit(tx, actorOf(ctx), user.id, { action: "user.password_changed", target: `user:${user.id}` });
  });
}
