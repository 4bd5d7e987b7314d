import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AUDIT_COLUMNS, recordAudit } from "@/lib/audit";
import { parseCsv } from "@/test/support/csv";
import { createTestRuntime, ctxFor, freezeClock, grantOrg, grantProject, seedTenants, seedUser, type TestRuntime } from "@/test/support/runtime";
import { exportAuditEvents, listAuditEvents } from "./audit";
import { createProject, renameProject } from "./projects";
import { renameOrg } from "./orgs";

let rt: TestRuntime;
let t: Awaited<ReturnType<typeof seedTenants>>;
let clock: ReturnType<typeof freezeClock>;

// A small history over three days (UTC):
//   03-01 10:00  Ada renames project Plant → Plant 2            (org A, project A)
//   03-02 23:30  Ada creates project Lab                         (org A, Lab)
//   03-03 00:00  Rita (Project Read Only) tries to rename Plant  (org A, project A) → denied
//   03-03 08:00  Bob renames Globex                              (org B)
beforeEach(async () => {
  rt = createTestRuntime();
  clock = freezeClock("2026-02-28T12:00:00.000Z");
  t = await seedTenants(rt);
  clock.set("2026-03-01T10:00:00.000Z");
  await renameProject(await ctxFor(rt, t.ownerA.id), { projectId: t.projectA, name: "Plant 2", version: 1 });
  clock.set("2026-03-02T23:30:00.000Z");
  await createProject(await ctxFor(rt, t.ownerA.id), { orgId: t.orgA, name: "Lab" });
  clock.set("2026-03-03T00:00:00.000Z");
  await renameProject(await ctxFor(rt, t.readOnly.id), { projectId: t.projectA, name: "Mine", version: 2 }).catch(() => undefined);
  clock.set("2026-03-03T08:00:00.000Z");
  await renameOrg(await ctxFor(rt, t.ownerB.id), { orgId: t.orgB, name: "Globex 2", version: 1 });
});
afterEach(() => {
  clock.restore();
  rt.close();
});

const list = async (userId: string, scope: { orgId: string } | { projectId: string }, q: Record<string, unknown> = {}) =>
  listAuditEvents(await ctxFor(rt, userId), scope, q);
const actions = async (userId: string, scope: { orgId: string } | { projectId: string }, q: Record<string, unknown> = {}) =>
  (await list(userId, scope, q)).items.map((e) => e.action);

describe("listAuditEvents", () => {
  it("shows a project's events, newest first, and an organization's including its projects'", async () => {
    expect(await actions(t.ownerA.id, { projectId: t.projectA })).toEqual(["authz.denied", "project.renamed"]);
    expect(await actions(t.ownerA.id, { orgId: t.orgA })).toEqual(["authz.denied", "project.created", "project.renamed"]);
    expect(await actions(t.ownerB.id, { orgId: t.orgB })).toEqual(["org.renamed"]);
  });

  it("filters by actor, action and a date range whose end day counts whole", async () => {
    expect(await actions(t.ownerA.id, { orgId: t.orgA }, { actor: "READER" })).toEqual(["authz.denied"]);
    expect(await actions(t.ownerA.id, { orgId: t.orgA }, { action: "project.created" })).toEqual(["project.created"]);
    expect(await actions(t.ownerA.id, { orgId: t.orgA }, { from: "2026-03-02", to: "2026-03-02" })).toEqual(["project.created"]);
    expect(await actions(t.ownerA.id, { orgId: t.orgA }, { from: "2026-03-03" })).toEqual(["authz.denied"]);
    expect(await actions(t.ownerA.id, { orgId: t.orgA }, { to: "2026-03-01" })).toEqual(["project.renamed"]);
    expect(await actions(t.ownerA.id, { orgId: t.orgA }, { actor: "", action: "", from: "", to: "" })).toHaveLength(3);
  });

  it("reports paging and the actions to filter by", async () => {
    const page = await list(t.ownerA.id, { orgId: t.orgA });
    expect(page).toMatchObject({ total: 3, page: 1, pageSize: 50, actions: ["authz.denied", "project.created", "project.renamed"] });
    expect(await list(t.ownerA.id, { orgId: t.orgA }, { page: "2" })).toMatchObject({ total: 3, items: [] });
  });

  it.each([
    [{ from: "2026-13-01" }, "from"],
    [{ to: "2026-02-30" }, "to"],
    [{ from: "yesterday" }, "from"],
    [{ from: "2026-03-02", to: "2026-03-01" }, "to"],
    [{ page: "0" }, "page"],
  ])("answers %j with no events and the problem at %s (the page shows it by the field)", async (q, field) => {
    const r = await list(t.ownerA.id, { orgId: t.orgA }, q);
    expect(r.items).toEqual([]);
    expect(r.filterErrors).toMatchObject({ [field]: [expect.any(String)] });
  });

  it("is for those the table allows: NOT_FOUND for an Organization Member, a Database Access Admin, another tenant", async () => {
    const dbAdmin = await seedUser(rt);
    await grantOrg(rt, t.orgA, dbAdmin.id, ["ORG_MEMBER"]);
    await grantProject(rt, t.projectA, dbAdmin.id, ["GROUP_DATABASE_ACCESS_ADMIN"]);
    await expect(list(t.member.id, { orgId: t.orgA })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(list(dbAdmin.id, { projectId: t.projectA })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(list(t.ownerB.id, { projectId: t.projectA })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(list(t.ownerB.id, { orgId: t.orgA })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // A Project Read Only user reads its project's trail.
    expect((await list(t.readOnly.id, { projectId: t.projectA })).total).toBeGreaterThanOrEqual(2);
  });
});

describe("exportAuditEvents", () => {
  const nasty = [
    { actor: '=HYPERLINK("http://evil.example","click")', target: "a,b", detail: { note: 'line 1\nline 2, "quoted"' } },
    { actor: "+1", target: "-2", detail: {} },
    { actor: "@SUM(A1)", target: "org:x\r\ny", detail: { n: 1 } },
  ];

  beforeEach(async () => {
    clock.set("2026-03-04T09:00:00.000Z");
    await rt.store.transaction(async (tx) => {
      for (const n of nasty) await recordAudit(tx, { id: null, label: n.actor, ip: null }, { action: "test.nasty", target: n.target, orgId: t.orgA, detail: n.detail });
    });
  });

  it("writes CSV oldest first, quoting commas, quotes and line breaks and neutralizing formulas", async () => {
    const csv = await exportAuditEvents(await ctxFor(rt, t.ownerA.id), { orgId: t.orgA }, {}, "csv");
    const [header, ...rows] = parseCsv(csv);
    expect(header).toEqual([...AUDIT_COLUMNS]);
    const col = (name: (typeof AUDIT_COLUMNS)[number]) => AUDIT_COLUMNS.indexOf(name);
    expect(rows.map((r) => r[col("action")])).toEqual(["project.renamed", "project.created", "authz.denied", "test.nasty", "test.nasty", "test.nasty"]);
    const mine = rows.filter((r) => r[col("action")] === "test.nasty");
    expect(mine.map((r) => r[col("actorLabel")])).toEqual(nasty.map((n) => `'${n.actor}`));
    expect(mine.map((r) => r[col("target")])).toEqual(["a,b", "'-2", "org:x\r\ny"]);
    expect(mine.map((r) => JSON.parse(r[col("detail")]!))).toEqual(nasty.map((n) => n.detail));
    for (const r of rows) expect(r).toHaveLength(AUDIT_COLUMNS.length);
  });

  it("applies the same filters as the page", async () => {
    const csv = await exportAuditEvents(await ctxFor(rt, t.ownerA.id), { orgId: t.orgA }, { actor: "reader" }, "csv");
    expect(parseCsv(csv).slice(1).map((r) => r[AUDIT_COLUMNS.indexOf("action")])).toEqual(["authz.denied"]);
  });

  it("writes JSON as an array of the same events, oldest first", async () => {
    const ctx = await ctxFor(rt, t.ownerA.id);
    const json = JSON.parse(await exportAuditEvents(ctx, { projectId: t.projectA }, {}, "json"));
    const listed = (await listAuditEvents(ctx, { projectId: t.projectA }, {})).items;
    expect(json).toEqual([...listed].reverse());
    expect(JSON.parse(await exportAuditEvents(ctx, { projectId: t.projectA }, { action: "none.such" }, "json"))).toEqual([]);
  });

  it("is NOT_FOUND for someone who may not read the trail", async () => {
    await expect(exportAuditEvents(await ctxFor(rt, t.member.id), { orgId: t.orgA }, {}, "csv")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
