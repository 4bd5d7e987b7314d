import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newId } from "@/lib/ids";
import { auditedBy, createTestRuntime, ctxFor, freezeClock, seedTenants, type TestRuntime } from "@/test/support/runtime";
import { createOrg, deleteOrg, getOrg, listMyOrgs, renameOrg } from "./orgs";
import { deleteProject } from "./projects";

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

describe("listing and reading organizations", () => {
  it("shows a user only the organizations they belong to", async () => {
    expect((await listMyOrgs(await as(t.ownerA.id))).map((o) => o.name)).toEqual(["Acme"]);
    expect((await listMyOrgs(await as(t.ownerB.id))).map((o) => o.name)).toEqual(["Globex"]);
    expect((await listMyOrgs(await as(t.member.id))).map((o) => o.name)).toEqual(["Acme"]);
  });

  it("answers NOT_FOUND for another tenant's organization, and for one that does not exist", async () => {
    const hidden = await getOrg(await as(t.ownerB.id), t.orgA).catch((e: Error) => e);
    const missing = await getOrg(await as(t.ownerB.id), newId()).catch((e: Error) => e);
    expect(hidden).toMatchObject({ code: "NOT_FOUND" });
    // Word for word the same: a caller cannot tell another tenant's id from one that does not exist.
    expect(missing).toMatchObject({ code: "NOT_FOUND", message: (hidden as Error).message });
    expect(await getOrg(await as(t.member.id), t.orgA)).toMatchObject({ id: t.orgA, name: "Acme", version: 1 });
  });
});

describe("createOrg", () => {
  it("makes the creator its Organization Owner and writes one org.created event", async () => {
    const ctx = await as(t.member.id);
    const { events, error } = await auditedBy(rt, () => createOrg(ctx, { name: "Initech" }));
    expect(error).toBeUndefined();
    const created = (await rt.store.orgs.getByName("Initech"))!;
    expect(await rt.store.memberships.getOrg(created.id, t.member.id)).toMatchObject({ roles: ["ORG_OWNER"] });
    expect(events.map((e) => [e.action, e.target, e.orgId, e.actorId, e.outcome])).toEqual([["org.created", `org:${created.id}`, created.id, t.member.id, "success"]]);
    expect((await listMyOrgs(await as(t.member.id))).map((o) => o.name)).toEqual(["Acme", "Initech"]);
  });

  it("refuses a duplicate name in any case with CONFLICT, and a bad name with VALIDATION, writing nothing", async () => {
    const ctx = await as(t.member.id);
    for (const [name, code] of [["acme", "CONFLICT"], ["  GLOBEX ", "CONFLICT"], ["", "VALIDATION"], ["=cmd()", "VALIDATION"], ["x".repeat(65), "VALIDATION"]]) {
      const { events, error } = await auditedBy(rt, () => createOrg(ctx, { name }));
      expect(error, name).toMatchObject({ code, fieldErrors: { name: [expect.any(String)] } });
      expect(events).toEqual([]);
    }
  });
});

describe("renameOrg", () => {
  it("renames with the version read, once; a second writer with that version gets STALE", async () => {
    const ctx = await as(t.ownerA.id);
    const { events } = await auditedBy(rt, () => renameOrg(ctx, { orgId: t.orgA, name: "Acme Corp", version: 1 }));
    expect(await rt.store.orgs.get(t.orgA)).toMatchObject({ name: "Acme Corp", version: 2 });
    expect(events.map((e) => [e.action, e.detail])).toEqual([["org.renamed", { from: "Acme", to: "Acme Corp" }]]);

    const stale = await auditedBy(rt, () => renameOrg(ctx, { orgId: t.orgA, name: "Acme Inc", version: 1 }));
    expect(stale.error).toMatchObject({ code: "STALE" });
    expect(stale.events).toEqual([]);
  });

  it("is NOT_FOUND for a member without the right, and the refusal is audited as denied", async () => {
    const { events, error } = await auditedBy(rt, async () => renameOrg(await as(t.member.id), { orgId: t.orgA, name: "Mine", version: 1 }));
    expect(error).toMatchObject({ code: "NOT_FOUND" });
    expect(events.map((e) => [e.action, e.outcome, e.actorId, e.orgId, e.detail.permission])).toEqual([["authz.denied", "denied", t.member.id, t.orgA, "org.rename"]]);
    expect(await rt.store.orgs.get(t.orgA)).toMatchObject({ name: "Acme", version: 1 });
  });
});

describe("deleteOrg", () => {
  it("needs the name typed exactly", async () => {
    const ctx = await as(t.ownerB.id);
    for (const confirmName of ["globex", "Globex ", ""]) {
      const { events, error } = await auditedBy(rt, () => deleteOrg(ctx, { orgId: t.orgB, confirmName, version: 1 }));
      expect(error).toMatchObject({ code: "VALIDATION", fieldErrors: { confirmName: [expect.any(String)] } });
      expect(events).toEqual([]);
    }
    expect(await rt.store.orgs.get(t.orgB)).not.toBeNull();
  });

  it("refuses with CONFLICT while the organization has projects", async () => {
    const { events, error } = await auditedBy(rt, async () => deleteOrg(await as(t.ownerB.id), { orgId: t.orgB, confirmName: "Globex", version: 1 }));
    expect(error).toMatchObject({ code: "CONFLICT" });
    expect(events).toEqual([]);
    expect(await rt.store.orgs.get(t.orgB)).not.toBeNull();
  });

  it("deletes an empty organization with its memberships, audited once", async () => {
    const ctx = await as(t.ownerB.id);
    await deleteProject(ctx, { projectId: t.projectB, confirmName: "Reactor", version: 1 });
    const { events, error } = await auditedBy(rt, () => deleteOrg(ctx, { orgId: t.orgB, confirmName: "Globex", version: 1 }));
    expect(error).toBeUndefined();
    expect(await rt.store.orgs.get(t.orgB)).toBeNull();
    expect(await rt.store.memberships.orgsOfUser(t.ownerB.id)).toEqual([]);
    expect(events.map((e) => [e.action, e.target, e.detail])).toEqual([["org.deleted", `org:${t.orgB}`, { name: "Globex" }]]);
  });

  it("is NOT_FOUND for someone else's organization", async () => {
    await expect(deleteOrg(await as(t.ownerA.id), { orgId: t.orgB, confirmName: "Globex", version: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await rt.store.orgs.get(t.orgB)).not.toBeNull();
  });
});
