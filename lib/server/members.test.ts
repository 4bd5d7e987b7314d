import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { anonCtx, auditedBy, createTestRuntime, ctxFor, freezeClock, grantProject, seedTenants, type TestRuntime } from "@/test/support/runtime";
import { login } from "./auth";
import { requireUser } from "./guard";
import { createOrg } from "./orgs";
import { acceptOrgInvitation, addOrgUser, listOrgInvitations, listOrgMembers, listProjectMembers, removeOrgUser, removeProjectUser, revokeOrgInvitation, setOrgRoles, setProjectRoles } from "./members";

let rt: TestRuntime;
let t: Awaited<ReturnType<typeof seedTenants>>;
let clock: ReturnType<typeof freezeClock>;

beforeEach(async () => {
  rt = createTestRuntime();
  clock = freezeClock();
  t = await seedTenants(rt);
});
afterEach(() => {
  clock.restore();
  rt.close();
});

const as = (userId: string) => ctxFor(rt, userId);
const newUser = { name: "Nia New", email: "Nia@Example.com", initialPassword: "initial password 1", roles: ["ORG_MEMBER"] };

describe("addOrgUser", () => {
  it("creates a new account that must change its initial password, audited once", async () => {
    const { events, error } = await auditedBy(rt, async () => addOrgUser(await as(t.ownerA.id), { orgId: t.orgA, ...newUser }));
    expect(error).toBeUndefined();
    const nia = (await rt.store.users.getByEmail("nia@example.com"))!;
    expect(nia).toMatchObject({ email: "nia@example.com", name: "Nia New", mustChangePassword: true });
    expect(events.map((e) => [e.action, e.target, e.orgId, e.detail])).toEqual([
      ["org.user_added", `user:${nia.id}`, t.orgA, { email: "nia@example.com", roles: ["ORG_MEMBER"], newAccount: true }],
    ]);

    const signIn = await login(anonCtx(rt), { email: "nia@example.com", password: "initial password 1" });
    expect(signIn.mustChangePassword).toBe(true);
    const niaCtx = await as(nia.id);
    expect(() => requireUser(niaCtx)).toThrow(expect.objectContaining({ code: "PASSWORD_CHANGE_REQUIRED" }));
  });

  it("returns a member DTO with human role names and no password hash", async () => {
    const r = await addOrgUser(await as(t.ownerA.id), { orgId: t.orgA, ...newUser, roles: ["ORG_READ_ONLY"] });
    expect(r.created).toBe(true);
    expect(r.created && r.member).toEqual({ userId: expect.any(String), name: "Nia New", email: "nia@example.com", roles: ["ORG_READ_ONLY"], roleNames: ["Organization Read Only"], version: 1 });
  });

  it("refuses a user who is already a member with CONFLICT and no event", async () => {
    const { events, error } = await auditedBy(rt, async () => addOrgUser(await as(t.ownerA.id), { orgId: t.orgA, ...newUser, email: "MEMBER@example.com" }));
    expect(error).toMatchObject({ code: "CONFLICT", fieldErrors: { email: [expect.any(String)] } });
    expect(events).toEqual([]);
  });

  it("is NOT_FOUND for an Organization Member, and adds nobody", async () => {
    await expect(addOrgUser(await as(t.member.id), { orgId: t.orgA, ...newUser })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await rt.store.users.getByEmail("nia@example.com")).toBeNull();
  });
});

describe("inviting an existing account", () => {
  const invite = async (email = "owner-b@example.com", roles = ["ORG_MEMBER"]) => {
    const r = await addOrgUser(await as(t.ownerA.id), { orgId: t.orgA, ...newUser, email, roles });
    if (r.created) throw new Error("expected an invitation");
    return r.invitation;
  };

  it("does not add it: it makes a code, shown once and kept only as a hash, and leaves the password alone", async () => {
    const { events, error } = await auditedBy(rt, () => invite());
    expect(error).toBeUndefined();
    expect(await rt.store.memberships.getOrg(t.orgA, t.ownerB.id)).toBeNull();
    expect((await rt.store.users.get(t.ownerB.id))!.passwordHash).toBe(t.ownerB.passwordHash);
    expect(events.map((e) => [e.action, e.target, e.orgId])).toEqual([["org.user_invited", `user:${t.ownerB.id}`, t.orgA]]);
    const [pending] = await listOrgInvitations(await as(t.ownerA.id), t.orgA);
    expect(pending).toEqual({ id: expect.any(String), email: "owner-b@example.com", roles: ["ORG_MEMBER"], roleNames: ["Organization Member"], createdAt: "2026-03-01T09:00:00.000Z", expiresAt: "2026-03-08T09:00:00.000Z" });
    expect(JSON.stringify(pending)).not.toMatch(/[A-Z2-9]{5}-[A-Z2-9]{5}/);
  });

  it("its holder joins by entering the code (any case, without dashes), once, with the invited roles, audited", async () => {
    const { code } = await invite("owner-b@example.com", ["ORG_READ_ONLY"]);
    expect(code).toMatch(/^[A-HJKMNP-TV-Z2-9]{5}-[A-HJKMNP-TV-Z2-9]{5}-[A-HJKMNP-TV-Z2-9]{5}$/);
    const bob = await as(t.ownerB.id);
    const { events } = await auditedBy(rt, async () => expect(await acceptOrgInvitation(bob, { code: ` ${code.toLowerCase().replace(/-/g, "")} ` })).toEqual({ orgId: t.orgA, orgName: "Acme" }));
    expect(await rt.store.memberships.getOrg(t.orgA, t.ownerB.id)).toMatchObject({ roles: ["ORG_READ_ONLY"] });
    expect(events.map((e) => [e.action, e.actorId, e.orgId, e.detail])).toEqual([["org.invitation_accepted", t.ownerB.id, t.orgA, { roles: ["ORG_READ_ONLY"] }]]);
    expect(await listOrgInvitations(await as(t.ownerA.id), t.orgA)).toEqual([]);
    await expect(acceptOrgInvitation(bob, { code })).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: { code: [expect.stringMatching(/does not work for your account/)] } });
  });

  it("an account someone made in advance for that email gets nothing without the code", async () => {
    // Max (a plain member of Acme) makes his own organization and, in it, an account for the
    // email Globex's owner is about to add, with a password he knows.
    const max = await as(t.member.id);
    const evil = await createOrg(max, { name: "Evil" });
    const made = await addOrgUser(await as(t.member.id), { orgId: evil.id, name: "CFO", email: "cfo@globex.example", initialPassword: "password max knows", roles: ["ORG_MEMBER"] });
    expect(made.created).toBe(true);
    const squatter = (await rt.store.users.getByEmail("cfo@globex.example"))!;
    await rt.store.transaction((tx) => tx.users.update(squatter.id, squatter.version, { mustChangePassword: false }));

    const r = await addOrgUser(await as(t.ownerB.id), { orgId: t.orgB, name: "CFO", email: "cfo@globex.example", initialPassword: "password globex gave", roles: ["ORG_OWNER"] });
    expect(r.created).toBe(false);
    expect(await rt.store.memberships.getOrg(t.orgB, squatter.id)).toBeNull();
    await expect(login(anonCtx(rt), { email: "cfo@globex.example", password: "password globex gave" })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    // Guessing is hopeless (73 bits); a code made for someone else does not work either.
    const other = await invite();
    const { events } = await auditedBy(rt, async () => expect(acceptOrgInvitation(await as(squatter.id), { code: other.code })).rejects.toMatchObject({ code: "VALIDATION" }));
    // The inviting organization learns that its code went astray.
    expect(events.map((e) => [e.action, e.outcome, e.orgId, e.actorId])).toEqual([["org.invitation_refused", "failure", t.orgA, squatter.id]]);
    expect(await rt.store.memberships.getOrg(t.orgB, squatter.id)).toBeNull();
  });

  it("a code is refused for another account, after 7 days and once revoked; inviting again replaces it", async () => {
    const first = await invite();
    await expect(acceptOrgInvitation(await as(t.ownerA.id), { code: first.code })).rejects.toMatchObject({ code: "VALIDATION" });
    const second = await invite();
    expect(second.code).not.toBe(first.code);
    await expect(acceptOrgInvitation(await as(t.ownerB.id), { code: first.code })).rejects.toMatchObject({ code: "VALIDATION" });
    clock.advance(7 * 86_400_000);
    await expect(acceptOrgInvitation(await as(t.ownerB.id), { code: second.code })).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await listOrgInvitations(await as(t.ownerA.id), t.orgA)).toEqual([]);

    const third = await invite();
    const [pending] = await listOrgInvitations(await as(t.ownerA.id), t.orgA);
    const { events } = await auditedBy(rt, async () => revokeOrgInvitation(await as(t.ownerA.id), { orgId: t.orgA, invitationId: pending!.id }));
    expect(events.map((e) => [e.action, e.detail])).toEqual([["org.invitation_revoked", { email: "owner-b@example.com" }]]);
    await expect(acceptOrgInvitation(await as(t.ownerB.id), { code: third.code })).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await rt.store.memberships.getOrg(t.orgA, t.ownerB.id)).toBeNull();
  });

  it("an Organization Member can neither invite nor revoke (NOT_FOUND); another organization's invitation is not found", async () => {
    await expect(addOrgUser(await as(t.member.id), { orgId: t.orgA, ...newUser, email: "owner-b@example.com" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await invite();
    const [pending] = await listOrgInvitations(await as(t.ownerA.id), t.orgA);
    await expect(revokeOrgInvitation(await as(t.member.id), { orgId: t.orgA, invitationId: pending!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(revokeOrgInvitation(await as(t.ownerB.id), { orgId: t.orgB, invitationId: pending!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await listOrgInvitations(await as(t.ownerA.id), t.orgA)).toHaveLength(1);
  });
});

describe("organization roles", () => {
  it("the last owner cannot be demoted or removed (CONFLICT, nothing changes, no event)", async () => {
    const ctx = await as(t.ownerA.id);
    const demote = await auditedBy(rt, () => setOrgRoles(ctx, { orgId: t.orgA, userId: t.ownerA.id, roles: ["ORG_MEMBER"], version: 1 }));
    expect(demote.error).toMatchObject({ code: "CONFLICT" });
    const remove = await auditedBy(rt, () => removeOrgUser(ctx, { orgId: t.orgA, userId: t.ownerA.id }));
    expect(remove.error).toMatchObject({ code: "CONFLICT" });
    expect([...demote.events, ...remove.events]).toEqual([]);
    expect(await rt.store.memberships.getOrg(t.orgA, t.ownerA.id)).toMatchObject({ roles: ["ORG_OWNER"], version: 1 });
  });

  it("an owner can step down once someone else is owner; stale versions are refused", async () => {
    const ctx = await as(t.ownerA.id);
    const promote = await auditedBy(rt, () => setOrgRoles(ctx, { orgId: t.orgA, userId: t.member.id, roles: ["ORG_OWNER"], version: 1 }));
    expect(promote.events.map((e) => [e.action, e.target, e.detail])).toEqual([["org.user_roles_changed", `user:${t.member.id}`, { from: ["ORG_MEMBER"], to: ["ORG_OWNER"] }]]);
    await expect(setOrgRoles(ctx, { orgId: t.orgA, userId: t.member.id, roles: ["ORG_READ_ONLY"], version: 1 })).rejects.toMatchObject({ code: "STALE" });
    await setOrgRoles(ctx, { orgId: t.orgA, userId: t.ownerA.id, roles: ["ORG_MEMBER"], version: 1 });
    expect(await rt.store.memberships.countOrgOwners(t.orgA)).toBe(1);
  });

  it("removing a member also removes their project roles in the organization, audited once", async () => {
    const { events } = await auditedBy(rt, async () => removeOrgUser(await as(t.ownerA.id), { orgId: t.orgA, userId: t.readOnly.id }));
    expect(events.map((e) => [e.action, e.detail])).toEqual([["org.user_removed", { roles: ["ORG_MEMBER"] }]]);
    expect(await rt.store.memberships.getOrg(t.orgA, t.readOnly.id)).toBeNull();
    expect(await rt.store.memberships.getProject(t.projectA, t.readOnly.id)).toBeNull();
    await expect(removeOrgUser(await as(t.ownerA.id), { orgId: t.orgA, userId: t.readOnly.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lists members with human role names to anyone in the organization, NOT_FOUND to outsiders", async () => {
    const members = await listOrgMembers(await as(t.member.id), t.orgA);
    expect(members.map((m) => [m.email, m.roleNames])).toEqual([
      ["owner-a@example.com", ["Organization Owner"]],
      ["member@example.com", ["Organization Member"]],
      ["reader@example.com", ["Organization Member"]],
    ]);
    expect(JSON.stringify(members)).not.toContain("scrypt");
    await expect(listOrgMembers(await as(t.ownerB.id), t.orgA)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("project roles", () => {
  it("grants, changes and removes a project role, one event each", async () => {
    const ctx = await as(t.ownerA.id);
    const add = await auditedBy(rt, () => setProjectRoles(ctx, { projectId: t.projectA, userId: t.member.id, roles: ["GROUP_DATABASE_ACCESS_ADMIN"] }));
    const change = await auditedBy(rt, () => setProjectRoles(ctx, { projectId: t.projectA, userId: t.member.id, roles: ["GROUP_OWNER"], version: 1 }));
    const remove = await auditedBy(rt, () => removeProjectUser(ctx, { projectId: t.projectA, userId: t.member.id }));
    expect([add, change, remove].map((r) => r.events.map((e) => [e.action, e.projectId, e.detail]))).toEqual([
      [["project.user_added", t.projectA, { from: [], to: ["GROUP_DATABASE_ACCESS_ADMIN"] }]],
      [["project.user_roles_changed", t.projectA, { from: ["GROUP_DATABASE_ACCESS_ADMIN"], to: ["GROUP_OWNER"] }]],
      [["project.user_removed", t.projectA, { roles: ["GROUP_OWNER"] }]],
    ]);
    expect(await rt.store.memberships.getProject(t.projectA, t.member.id)).toBeNull();
  });

  it("refuses a stale version, a user outside the organization and an unknown role, writing nothing", async () => {
    const ctx = await as(t.ownerA.id);
    await grantProject(rt, t.projectA2, t.member.id, ["GROUP_READ_ONLY"]);
    await setProjectRoles(ctx, { projectId: t.projectA2, userId: t.member.id, roles: ["GROUP_OWNER"], version: 1 });
    for (const [input, code] of [
      [{ projectId: t.projectA2, userId: t.member.id, roles: ["GROUP_READ_ONLY"], version: 1 }, "STALE"],
      [{ projectId: t.projectA, userId: t.ownerB.id, roles: ["GROUP_READ_ONLY"] }, "VALIDATION"],
      [{ projectId: t.projectA, userId: t.member.id, roles: ["ORG_OWNER"] }, "VALIDATION"],
      [{ projectId: t.projectA, userId: t.member.id, roles: [] }, "VALIDATION"],
    ] as const) {
      const r = await auditedBy(rt, () => setProjectRoles(ctx, input));
      expect(r.error, JSON.stringify(input)).toMatchObject({ code });
      expect(r.events).toEqual([]);
    }
    expect(await rt.store.memberships.getProject(t.projectA, t.ownerB.id)).toBeNull();
  });

  it("a Project Owner who is only an Organization Member manages their own project's roles, not another's", async () => {
    await grantProject(rt, t.projectA2, t.member.id, ["GROUP_OWNER"]);
    const ctx = await as(t.member.id);
    await setProjectRoles(ctx, { projectId: t.projectA2, userId: t.readOnly.id, roles: ["GROUP_READ_ONLY"] });
    expect((await listProjectMembers(ctx, t.projectA2)).map((m) => m.email).sort()).toEqual(["member@example.com", "reader@example.com"]);
    await expect(setProjectRoles(ctx, { projectId: t.projectA, userId: t.member.id, roles: ["GROUP_OWNER"] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await rt.store.memberships.getProject(t.projectA, t.member.id)).toBeNull();
  });
});
