import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { anonCtx, auditedBy, createTestRuntime, ctxFor, freezeClock, grantProject, seedTenants, type TestRuntime } from "@/test/support/runtime";
import { login } from "./auth";
import { requireUser } from "./guard";
import { addOrgUser, listOrgMembers, listProjectMembers, removeOrgUser, removeProjectUser, setOrgRoles, setProjectRoles } from "./members";

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
    const { member, created } = await addOrgUser(await as(t.ownerA.id), { orgId: t.orgA, ...newUser, roles: ["ORG_READ_ONLY"] });
    expect(created).toBe(true);
    expect(member).toEqual({ userId: expect.any(String), name: "Nia New", email: "nia@example.com", roles: ["ORG_READ_ONLY"], roleNames: ["Organization Read Only"], version: 1 });
  });

  it("adds an existing account (from another organization) without touching its password", async () => {
    const { created } = await addOrgUser(await as(t.ownerA.id), { orgId: t.orgA, ...newUser, email: "owner-b@example.com" });
    expect(created).toBe(false);
    expect((await rt.store.users.get(t.ownerB.id))!.passwordHash).toBe(t.ownerB.passwordHash);
    expect(await rt.store.memberships.getOrg(t.orgA, t.ownerB.id)).toMatchObject({ roles: ["ORG_MEMBER"] });
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
