import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newId } from "@/lib/ids";
import { auditedBy, createTestRuntime, ctxFor, freezeClock, grantOrg, seedProject, seedTenants, seedUser, type TestRuntime } from "@/test/support/runtime";
import type { AuthedCtx } from "./context";
import { setProjectRoles } from "./members";
import { createProject, deleteProject, getProject, listProjects, renameProject } from "./projects";

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
const names = async (userId: string, orgId: string, opts?: { search?: string; page?: number }) =>
  (await listProjects(await as(userId), orgId, opts)).items.map((p) => p.name);

describe("listProjects", () => {
  it("shows org-wide roles every project, a project member only theirs, a plain member none", async () => {
    const orgReader = await seedUser(rt);
    await grantOrg(rt, t.orgA, orgReader.id, ["ORG_READ_ONLY"]);
    expect(await names(t.ownerA.id, t.orgA)).toEqual(["Plant", "Warehouse"]);
    expect(await names(orgReader.id, t.orgA)).toEqual(["Plant", "Warehouse"]);
    expect(await listProjects(await as(t.readOnly.id), t.orgA)).toMatchObject({ total: 1, items: [{ name: "Plant" }] });
    expect(await listProjects(await as(t.member.id), t.orgA)).toMatchObject({ total: 0, items: [] });
  });

  it("searches and pages (50 a page)", async () => {
    for (let i = 0; i < 52; i++) await seedProject(rt, t.orgA, `Line ${String(i).padStart(2, "0")}`);
    const first = await listProjects(await as(t.ownerA.id), t.orgA, { search: "line" });
    expect(first).toMatchObject({ total: 52, page: 1, pageSize: 50 });
    expect(first.items).toHaveLength(50);
    expect(await names(t.ownerA.id, t.orgA, { search: "line", page: 2 })).toEqual(["Line 50", "Line 51"]);
    expect(await names(t.ownerA.id, t.orgA, { search: "WARE" })).toEqual(["Warehouse"]);
  });

  it("is NOT_FOUND for another tenant's organization", async () => {
    await expect(listProjects(await as(t.ownerB.id), t.orgA)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("createProject", () => {
  it("makes the creator Project Owner and writes one project.created event", async () => {
    const { events, error } = await auditedBy(rt, async () => createProject(await as(t.ownerA.id), { orgId: t.orgA, name: "Lab" }));
    expect(error).toBeUndefined();
    const p = (await rt.store.projects.getByName(t.orgA, "Lab"))!;
    expect(await rt.store.memberships.getProject(p.id, t.ownerA.id)).toMatchObject({ roles: ["GROUP_OWNER"] });
    expect(events.map((e) => [e.action, e.orgId, e.projectId, e.target])).toEqual([["project.created", t.orgA, p.id, `project:${p.id}`]]);
  });

  it("refuses a duplicate name in the organization with CONFLICT and no event; the same name elsewhere is fine", async () => {
    const dup = await auditedBy(rt, async () => createProject(await as(t.ownerA.id), { orgId: t.orgA, name: "plant" }));
    expect(dup.error).toMatchObject({ code: "CONFLICT", fieldErrors: { name: [expect.any(String)] } });
    expect(dup.events).toEqual([]);
    await expect(createProject(await as(t.ownerB.id), { orgId: t.orgB, name: "Plant" })).resolves.toMatchObject({ name: "Plant" });
  });

  it("is NOT_FOUND for an Organization Member, audited as denied", async () => {
    const { events, error } = await auditedBy(rt, async () => createProject(await as(t.member.id), { orgId: t.orgA, name: "Lab" }));
    expect(error).toMatchObject({ code: "NOT_FOUND" });
    expect(events.map((e) => [e.action, e.outcome, e.detail.permission])).toEqual([["authz.denied", "denied", "org.projects.create"]]);
    expect(await rt.store.projects.getByName(t.orgA, "Lab")).toBeNull();
  });
});

describe("rename and delete", () => {
  it("renames with optimistic concurrency, one event per change", async () => {
    const ctx = await as(t.ownerA.id);
    const ok = await auditedBy(rt, () => renameProject(ctx, { projectId: t.projectA, name: "Plant 2", version: 1 }));
    expect(ok.events.map((e) => [e.action, e.detail])).toEqual([["project.renamed", { from: "Plant", to: "Plant 2" }]]);
    const stale = await auditedBy(rt, () => renameProject(ctx, { projectId: t.projectA, name: "Plant 3", version: 1 }));
    expect(stale.error).toMatchObject({ code: "STALE" });
    expect(stale.events).toEqual([]);
    const dup = await auditedBy(rt, () => renameProject(ctx, { projectId: t.projectA, name: "WAREHOUSE", version: 2 }));
    expect(dup.error).toMatchObject({ code: "CONFLICT" });
    expect(dup.events).toEqual([]);
    expect(await rt.store.projects.get(t.projectA)).toMatchObject({ name: "Plant 2", version: 2 });
  });

  it("deletes only with the name typed exactly, then removes the project and its memberships", async () => {
    const ctx = await as(t.ownerA.id);
    const wrong = await auditedBy(rt, () => deleteProject(ctx, { projectId: t.projectA, confirmName: "plant", version: 1 }));
    expect(wrong.error).toMatchObject({ code: "VALIDATION", fieldErrors: { confirmName: [expect.any(String)] } });
    expect(wrong.events).toEqual([]);
    const ok = await auditedBy(rt, () => deleteProject(ctx, { projectId: t.projectA, confirmName: "Plant", version: 1 }));
    expect(ok.events.map((e) => [e.action, e.projectId, e.detail])).toEqual([["project.deleted", t.projectA, { name: "Plant" }]]);
    expect(await rt.store.projects.get(t.projectA)).toBeNull();
    expect(await rt.store.memberships.getProject(t.projectA, t.readOnly.id)).toBeNull();
  });
});

describe("a Project Read Only user", () => {
  it("can read the project", async () => {
    expect(await getProject(await as(t.readOnly.id), t.projectA)).toMatchObject({ project: { id: t.projectA, name: "Plant" }, org: { id: t.orgA, name: "Acme" } });
  });

  it("a target refused twice in one request (layout and page) is recorded once; the next request records its own", async () => {
    const ctx = await as(t.readOnly.id);
    const rename = (c: AuthedCtx) => renameProject(c, { projectId: t.projectA, name: "Mine", version: 1 });
    const { events } = await auditedBy(rt, async () => {
      await rename(ctx).catch(() => {});
      await rename(ctx).catch(() => {});
    });
    expect(events.map((e) => [e.action, e.detail.permission])).toEqual([["authz.denied", "project.rename"]]);
    const later = await auditedBy(rt, async () => {
      await deleteProject(ctx, { projectId: t.projectA, confirmName: "Plant", version: 1 }).catch(() => {});
      await rename(await as(t.readOnly.id)).catch(() => {});
    });
    // Another permission on the same target in the same request is the same refused view.
    expect(later.events.map((e) => e.detail.permission)).toEqual(["project.rename"]);
  });

  it.each([
    ["renameProject", "project.rename", (ctx: AuthedCtx) => renameProject(ctx, { projectId: t.projectA, name: "Mine", version: 1 })],
    ["deleteProject", "project.delete", (ctx: AuthedCtx) => deleteProject(ctx, { projectId: t.projectA, confirmName: "Plant", version: 1 })],
    ["setProjectRoles", "project.members.write", (ctx: AuthedCtx) => setProjectRoles(ctx, { projectId: t.projectA, userId: t.readOnly.id, roles: ["GROUP_OWNER"] })],
  ])("gets NOT_FOUND from %s, and an authz.denied event records it", async (_name, permission, call) => {
    const ctx = await as(t.readOnly.id);
    const { events, error } = await auditedBy(rt, () => call(ctx));
    expect(error).toMatchObject({ code: "NOT_FOUND" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "authz.denied",
      outcome: "denied",
      actorId: t.readOnly.id,
      actorLabel: "reader@example.com",
      orgId: t.orgA,
      projectId: t.projectA,
      target: `project:${t.projectA}`,
      detail: { permission, reason: "missing-role" },
    });
    expect(await rt.store.projects.get(t.projectA)).toMatchObject({ name: "Plant", version: 1 });
    expect(await rt.store.memberships.getProject(t.projectA, t.readOnly.id)).toMatchObject({ roles: ["GROUP_READ_ONLY"] });
  });

  it("gets NOT_FOUND for a sibling project it has no role in", async () => {
    await expect(getProject(await as(t.readOnly.id), t.projectA2)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("another tenant", () => {
  it("gets NOT_FOUND for org A's project — the same answer as for a project that does not exist", async () => {
    const ctx = await as(t.ownerB.id);
    for (const projectId of [t.projectA, newId()]) {
      await expect(getProject(ctx, projectId)).rejects.toMatchObject({ code: "NOT_FOUND", status: 404 });
      await expect(renameProject(ctx, { projectId, name: "Taken", version: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(deleteProject(ctx, { projectId, confirmName: "Plant", version: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect(await rt.store.projects.get(t.projectA)).toMatchObject({ name: "Plant", version: 1 });
  });

  it("cannot create a project in org A", async () => {
    await expect(createProject(await as(t.ownerB.id), { orgId: t.orgA, name: "Trojan" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await rt.store.projects.getByName(t.orgA, "Trojan")).toBeNull();
  });
});
