import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newId } from "@/lib/ids";
import { freezeClock, MINUTE, tempDir } from "@/test/support/runtime";
import type { AuditEventInput, OrgRecord, ProjectRecord, Store, UserRecord } from "../types";
import { openSqliteStore } from "./index";

let dir: string;
let store: Store;
let clock: ReturnType<typeof freezeClock>;

const T0 = "2026-03-01T09:00:00.000Z";
const base = { version: 1, createdAt: T0, updatedAt: T0 };
const org = (name: string): OrgRecord => ({ id: newId(), name, ...base });
const project = (orgId: string, name: string): ProjectRecord => ({ id: newId(), orgId, name, ...base });
const user = (email: string): UserRecord => ({ id: newId(), email, name: email, passwordHash: "x", mustChangePassword: false, ...base });
const put = <T>(fn: Parameters<Store["transaction"]>[0]) => store.transaction(fn) as Promise<T>;

beforeEach(() => {
  dir = tempDir();
  store = openSqliteStore(join(dir, "gatehouse.db"));
  clock = freezeClock(T0);
});
afterEach(() => {
  clock.restore();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("optimistic concurrency", () => {
  it("bumps the version and updatedAt on each update, and refuses a stale version with STALE", async () => {
    const o = org("Acme");
    await put((tx) => tx.orgs.insert(o));
    clock.advance(MINUTE);
    const renamed = await put<OrgRecord>((tx) => tx.orgs.rename(o.id, 1, "Acme Corp"));
    expect(renamed).toMatchObject({ name: "Acme Corp", version: 2, updatedAt: "2026-03-01T09:01:00.000Z", createdAt: T0 });
    await expect(put((tx) => tx.orgs.rename(o.id, 1, "Lost update"))).rejects.toMatchObject({ code: "STALE" });
    await expect(put((tx) => tx.orgs.delete(o.id, 1))).rejects.toMatchObject({ code: "STALE" });
    expect(await store.orgs.get(o.id)).toMatchObject({ name: "Acme Corp", version: 2 });
  });

  it("answers NOT_FOUND for a record that is gone", async () => {
    await expect(put((tx) => tx.orgs.rename(newId(), 1, "X"))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(put((tx) => tx.projects.delete(newId(), 1))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(put((tx) => tx.users.update(newId(), 1, { name: "X" }))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("covers users and memberships too", async () => {
    const o = org("Acme");
    const u = user("ada@example.com");
    await put(async (tx) => (await tx.orgs.insert(o), await tx.users.insert(u)));
    expect(await put<UserRecord>((tx) => tx.users.update(u.id, 1, { mustChangePassword: true }))).toMatchObject({ version: 2, mustChangePassword: true });
    await expect(put((tx) => tx.users.update(u.id, 1, { name: "Stale" }))).rejects.toMatchObject({ code: "STALE" });
    const m = await put<{ version: number }>((tx) => tx.memberships.putOrg({ orgId: o.id, userId: u.id, roles: ["ORG_MEMBER"] }, null));
    expect(m.version).toBe(1);
    await put((tx) => tx.memberships.putOrg({ orgId: o.id, userId: u.id, roles: ["ORG_OWNER"] }, 1));
    await expect(put((tx) => tx.memberships.putOrg({ orgId: o.id, userId: u.id, roles: ["ORG_READ_ONLY"] }, 1))).rejects.toMatchObject({ code: "STALE" });
    expect(await store.memberships.getOrg(o.id, u.id)).toMatchObject({ roles: ["ORG_OWNER"], version: 2 });
  });
});

describe("unique constraints", () => {
  it("organization names are unique regardless of case, on insert and on rename", async () => {
    const a = org("Acme");
    const b = org("Globex");
    await put(async (tx) => (await tx.orgs.insert(a), await tx.orgs.insert(b)));
    await expect(put((tx) => tx.orgs.insert(org("ACME")))).rejects.toMatchObject({ code: "CONFLICT", fieldErrors: { name: [expect.any(String)] } });
    await expect(put((tx) => tx.orgs.rename(b.id, 1, "acme"))).rejects.toMatchObject({ code: "CONFLICT", fieldErrors: { name: [expect.any(String)] } });
    expect((await store.orgs.getByName("aCmE"))?.id).toBe(a.id);
  });

  it("project names are unique within an organization (any case) but may repeat across organizations", async () => {
    const a = org("Acme");
    const b = org("Globex");
    await put(async (tx) => (await tx.orgs.insert(a), await tx.orgs.insert(b), await tx.projects.insert(project(a.id, "Plant"))));
    await expect(put((tx) => tx.projects.insert(project(a.id, "PLANT")))).rejects.toMatchObject({ code: "CONFLICT", fieldErrors: { name: [expect.any(String)] } });
    await put((tx) => tx.projects.insert(project(b.id, "Plant")));
    expect(await store.projects.countByOrg(b.id)).toBe(1);
  });

  it("user emails are unique regardless of case; a second membership is a conflict", async () => {
    const o = org("Acme");
    const u = user("ada@example.com");
    await put(async (tx) => (await tx.orgs.insert(o), await tx.users.insert(u)));
    await expect(put((tx) => tx.users.insert(user("ADA@example.com")))).rejects.toMatchObject({ code: "CONFLICT", fieldErrors: { email: [expect.any(String)] } });
    expect((await store.users.getByEmail("Ada@Example.com"))?.id).toBe(u.id);
    await put((tx) => tx.memberships.putOrg({ orgId: o.id, userId: u.id, roles: ["ORG_MEMBER"] }, null));
    await expect(put((tx) => tx.memberships.putOrg({ orgId: o.id, userId: u.id, roles: ["ORG_OWNER"] }, null))).rejects.toMatchObject({ code: "CONFLICT" });
  });
});

describe("projects.listByOrg", () => {
  let orgId: string;
  const names = ["delta", "Alpha", "charlie", "Bravo", "echo", "alpine", "a_b", "axb", "Foxtrot"];
  beforeEach(async () => {
    const a = org("Acme");
    const other = org("Other");
    orgId = a.id;
    await put(async (tx) => {
      await tx.orgs.insert(a);
      await tx.orgs.insert(other);
      for (const n of names) await tx.projects.insert(project(a.id, n));
      await tx.projects.insert(project(other.id, "Alpha"));
    });
  });
  const list = (opts: { limit?: number; offset?: number; search?: string; ids?: string[] }) =>
    store.projects.listByOrg(orgId, { limit: opts.limit ?? 50, offset: opts.offset ?? 0, search: opts.search, ids: opts.ids });

  it("pages through one organization's projects by name, case-insensitively, with the total", async () => {
    const pages = await Promise.all([0, 4, 8].map((offset) => list({ limit: 4, offset })));
    expect(pages.map((p) => p.total)).toEqual([9, 9, 9]);
    expect(pages.flatMap((p) => p.items.map((i) => i.name))).toEqual(["a_b", "Alpha", "alpine", "axb", "Bravo", "charlie", "delta", "echo", "Foxtrot"]);
    expect(pages.flatMap((p) => p.items).every((p) => p.orgId === orgId)).toBe(true);
  });

  it("searches by substring, case-insensitively, treating % and _ literally", async () => {
    expect((await list({ search: "AL" })).items.map((p) => p.name)).toEqual(["Alpha", "alpine"]);
    expect(await list({ search: "_" })).toMatchObject({ total: 1, items: [{ name: "a_b" }] });
    expect((await list({ search: "%" })).total).toBe(0);
    expect((await list({ search: "zzz" })).items).toEqual([]);
  });

  it("restricts to the given ids (none given means none)", async () => {
    const all = (await list({})).items;
    const wanted = [all[1]!.id, all[3]!.id];
    expect((await list({ ids: wanted })).items.map((p) => p.id)).toEqual(wanted);
    expect(await list({ ids: [] })).toEqual({ items: [], total: 0 });
  });
});

describe("audit queries", () => {
  const ev = (over: Partial<AuditEventInput>): AuditEventInput => ({
    at: T0, actorId: null, actorLabel: "ada@example.com", orgId: "o1", projectId: null, action: "org.renamed", target: "org:o1", outcome: "success", ip: "203.0.113.1", ...over,
  });
  beforeEach(async () => {
    await put(async (tx) => {
      await tx.audit.append(ev({ at: "2026-03-01T08:00:00.000Z", action: "org.created", detail: { name: "Acme" } }));
      await tx.audit.append(ev({ at: "2026-03-02T12:00:00.000Z", actorLabel: "bob@example.com", projectId: "p1", action: "project.created" }));
      await tx.audit.append(ev({ at: "2026-03-03T00:00:00.000Z", actorLabel: "Ada@Example.com", projectId: "p1", action: "project.renamed" }));
      await tx.audit.append(ev({ at: "2026-03-04T23:59:59.999Z", actorLabel: "50%_off@example.com", outcome: "denied", action: "authz.denied" }));
      await tx.audit.append(ev({ at: "2026-03-05T00:00:00.000Z", orgId: "o2", action: "org.created" }));
    });
  });
  const actions = async (filter: Parameters<Store["audit"]["list"]>[0]) => (await store.audit.list(filter, { limit: 50, offset: 0 })).items.map((e) => e.action);

  it("lists newest first with total and paging, and round-trips every field", async () => {
    const page = await store.audit.list({ orgId: "o1" }, { limit: 2, offset: 0 });
    expect(page.total).toBe(4);
    expect(page.items.map((e) => e.action)).toEqual(["authz.denied", "project.renamed"]);
    expect((await store.audit.list({ orgId: "o1" }, { limit: 2, offset: 2 })).items.map((e) => e.action)).toEqual(["project.created", "org.created"]);
    const [first] = (await store.audit.list({ action: "org.created", orgId: "o1" }, { limit: 1, offset: 0 })).items;
    expect(first).toEqual({ id: 1, at: "2026-03-01T08:00:00.000Z", actorId: null, actorLabel: "ada@example.com", orgId: "o1", projectId: null, action: "org.created", target: "org:o1", outcome: "success", ip: "203.0.113.1", detail: { name: "Acme" } });
  });

  it("filters by actor substring (case-insensitive, % and _ literal), exact action, project and time range [from, to)", async () => {
    expect(await actions({ actor: "ADA@" })).toEqual(["org.created", "project.renamed", "org.created"]);
    expect(await actions({ actor: "%_" })).toEqual(["authz.denied"]);
    expect(await actions({ action: "project" })).toEqual([]);
    expect(await actions({ action: "org.created" })).toEqual(["org.created", "org.created"]);
    expect(await actions({ projectId: "p1" })).toEqual(["project.renamed", "project.created"]);
    expect(await actions({ from: "2026-03-02T12:00:00.000Z", to: "2026-03-04T23:59:59.999Z" })).toEqual(["project.renamed", "project.created"]);
    expect(await actions({ orgId: "o1", from: "2026-03-03T00:00:00.000Z" })).toEqual(["authz.denied", "project.renamed"]);
  });

  it("exports oldest first through each(), and lists the distinct actions of a scope", async () => {
    const seen: string[] = [];
    expect(await store.audit.each({ orgId: "o1" }, (e) => seen.push(e.at))).toBe(4);
    expect(seen).toEqual([...seen].sort());
    expect(await store.audit.distinctActions({ projectId: "p1" })).toEqual(["project.created", "project.renamed"]);
    expect(await store.audit.distinctActions({ orgId: "o2" })).toEqual(["org.created"]);
  });
});

describe("memberships", () => {
  it("counts an organization's owners, and removing a member also removes their project roles there", async () => {
    const [a, b] = [org("Acme"), org("Globex")];
    const [u1, u2, u3] = [user("u1@example.com"), user("u2@example.com"), user("u3@example.com")];
    const [pa, pb] = [project(a.id, "Plant"), project(b.id, "Reactor")];
    await put(async (tx) => {
      for (const r of [a, b]) await tx.orgs.insert(r);
      for (const u of [u1, u2, u3]) await tx.users.insert(u);
      await tx.projects.insert(pa);
      await tx.projects.insert(pb);
      await tx.memberships.putOrg({ orgId: a.id, userId: u1.id, roles: ["ORG_OWNER"] }, null);
      await tx.memberships.putOrg({ orgId: a.id, userId: u2.id, roles: ["ORG_MEMBER", "ORG_OWNER"] }, null);
      await tx.memberships.putOrg({ orgId: a.id, userId: u3.id, roles: ["ORG_READ_ONLY"] }, null);
      await tx.memberships.putOrg({ orgId: b.id, userId: u3.id, roles: ["ORG_OWNER"] }, null);
      await tx.memberships.putProject({ projectId: pa.id, userId: u3.id, roles: ["GROUP_OWNER"] }, null);
      await tx.memberships.putProject({ projectId: pb.id, userId: u3.id, roles: ["GROUP_READ_ONLY"] }, null);
    });
    expect(await store.memberships.countOrgOwners(a.id)).toBe(2);
    expect(await store.memberships.countOrgOwners(b.id)).toBe(1);
    expect(await store.memberships.countOrgOwners(newId())).toBe(0);
    expect(await store.memberships.projectsOfUser(u3.id)).toHaveLength(2);
    await put((tx) => tx.memberships.removeOrg(a.id, u3.id));
    expect(await store.memberships.projectsOfUser(u3.id)).toEqual([expect.objectContaining({ projectId: pb.id, orgId: b.id })]);
    expect((await store.memberships.orgsOfUser(u3.id)).map((m) => m.orgId)).toEqual([b.id]);
    expect((await store.memberships.listOrgMembers(a.id)).map((m) => m.user.email)).toEqual(["u1@example.com", "u2@example.com"]);
  });
});
