import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { now } from "@/lib/clock";
import { digestHa1, digestResponse, issueNonce } from "@/lib/digest";
import { auditTrail, createTestRuntime, ctxFor, failureOf, freezeClock, grantProject, seedTenants, type TestRuntime } from "@/test/support/runtime";
import type { AuthedCtx, PrincipalCtx } from "../context";
import { createServiceAccount } from "../service-accounts/manage";
import { DIGEST_REALM, authenticateDigest, digestNonceKey } from "./digest-auth";
import {
  addApiKeyAccessList,
  assignApiKeyToProject,
  createApiKey,
  createProjectApiKey,
  deleteApiKey,
  getApiKey,
  listApiKeys,
  listProjectApiKeys,
  removeApiKeyFromProject,
  updateApiKey,
  updateProjectApiKey,
} from "./manage";

let rt: TestRuntime;
let t: Awaited<ReturnType<typeof seedTenants>>;
let owner: AuthedCtx;
let clock: ReturnType<typeof freezeClock>;
beforeEach(async () => {
  clock = freezeClock("2026-06-01T09:00:00.000Z");
  rt = createTestRuntime();
  t = await seedTenants(rt);
  owner = await ctxFor(rt, t.ownerA.id);
});
afterEach(() => {
  clock.restore();
  rt.close();
});

/** The Authorization header a Digest client (curl, Go, urllib) sends for GET `uri`. */
function digestHeader(user: string, password: string, uri: string, nonce = issueNonce({ key: digestNonceKey(rt), now: now() })) {
  const cnonce = "0a4f113b";
  const ha1 = digestHa1("MD5", user, DIGEST_REALM, password);
  const response = digestResponse({ algorithm: "MD5", ha1, method: "GET", uri, nonce, nc: "00000001", cnonce, qop: "auth" });
  return `Digest username="${user}", realm="${DIGEST_REALM}", nonce="${nonce}", uri="${uri}", algorithm=MD5, response="${response}", qop=auth, nc=00000001, cnonce="${cnonce}"`;
}
const auth = (header: string, uri = "/api/atlas/v2/orgs", ip = "203.0.113.7") => authenticateDigest(rt, { header, method: "GET", uri, ip });

describe("programmatic API keys", () => {
  it("the private key is shown once; later reads are masked; audited without it", async () => {
    const k = await createApiKey(owner, { orgId: t.orgA, desc: "terraform", roles: ["ORG_READ_ONLY"] });
    expect(k.publicKey).toMatch(/^[a-z]{8}$/);
    expect(k.privateKey).toMatch(/^[0-9a-f-]{36}$/);
    const later = await getApiKey(owner, { orgId: t.orgA, apiKeyId: k.id });
    expect(later.privateKey).toBe(`********-****-****-****-********${k.privateKey.slice(-4)}`);
    expect(JSON.stringify(await listApiKeys(owner, t.orgA))).not.toContain(k.privateKey);
    expect(JSON.stringify(await auditTrail(rt))).not.toContain(k.privateKey);
    expect(await failureOf(createApiKey(owner, { orgId: t.orgA, desc: "", roles: [] }))).toMatchObject({ code: "VALIDATION", fieldErrors: { desc: expect.any(Array), roles: expect.any(Array) } });
    const member = await ctxFor(rt, t.member.id);
    expect(await failureOf(createApiKey(member, { orgId: t.orgA, desc: "x", roles: ["ORG_OWNER"] }))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("HTTP Digest signs in as the key; a wrong private key, an unknown key, a forged nonce fail; an old nonce is stale", async () => {
    const k = await createApiKey(owner, { orgId: t.orgA, desc: "cli", roles: ["ORG_READ_ONLY"] });
    const ok = await auth(digestHeader(k.publicKey, k.privateKey, "/api/atlas/v2/orgs"));
    expect(ok).toMatchObject({ ok: true, principal: { kind: "api_key", id: k.id, orgRoles: { [t.orgA]: ["ORG_READ_ONLY"] } } });
    expect(await auth(digestHeader(k.publicKey, "00000000-0000-0000-0000-000000000000", "/api/atlas/v2/orgs"))).toMatchObject({ ok: false, status: 401, stale: false });
    expect(await auth(digestHeader("zzzzzzzz", k.privateKey, "/api/atlas/v2/orgs"))).toMatchObject({ ok: false, status: 401 });
    expect(await auth(digestHeader(k.publicKey, k.privateKey, "/api/atlas/v2/orgs", "forged-nonce"))).toMatchObject({ ok: false, status: 401, stale: false });
    expect(await auth(digestHeader(k.publicKey, k.privateKey, "/api/atlas/v2/groups"))).toMatchObject({ ok: false, status: 401 });
    // The very same Authorization header again (a captured request replayed): refused.
    const once = digestHeader(k.publicKey, k.privateKey, "/api/atlas/v2/orgs");
    expect((await auth(once)).ok).toBe(true);
    expect(await auth(once)).toMatchObject({ ok: false, status: 401, stale: false, code: "REPLAYED" });
    const old = issueNonce({ key: digestNonceKey(rt), now: new Date(now().getTime() - 3_600_000) });
    expect(await auth(digestHeader(k.publicKey, k.privateKey, "/api/atlas/v2/orgs", old))).toMatchObject({ ok: false, status: 401, stale: true });
  });

  it("enforces the access list naming the IP, roles through the same table, and stops at once when deleted", async () => {
    const k = await createApiKey(owner, { orgId: t.orgA, desc: "ci", roles: ["ORG_MEMBER"] });
    await addApiKeyAccessList(owner, { orgId: t.orgA, apiKeyId: k.id, entries: [{ ipAddress: "203.0.113.7" }] });
    expect(await auth(digestHeader(k.publicKey, k.privateKey, "/x"), "/x", "198.51.100.2")).toMatchObject({ ok: false, status: 403, code: "IP_ADDRESS_NOT_ON_ACCESS_LIST", message: expect.stringContaining("198.51.100.2") });
    const r = await auth(digestHeader(k.publicKey, k.privateKey, "/x"), "/x");
    if (!r.ok) throw new Error("expected success");
    const ctx: PrincipalCtx = { rt, ip: "203.0.113.7", userAgent: null, user: null, principal: r.principal };
    expect(await failureOf(createServiceAccount(ctx, { orgId: t.orgA, name: "x", description: "x", roles: ["ORG_OWNER"], secretExpiresAfterHours: 8 }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failureOf(updateApiKey(ctx, { orgId: t.orgA, apiKeyId: k.id, roles: ["ORG_OWNER"] }))).toMatchObject({ code: "NOT_FOUND" });
    await deleteApiKey(owner, { orgId: t.orgA, apiKeyId: k.id });
    expect(await auth(digestHeader(k.publicKey, k.privateKey, "/x"), "/x")).toMatchObject({ ok: false, status: 401 });
  });

  it("project roles: a Project Owner assigns them (read in the principal); a Read Only user cannot", async () => {
    const k = await createApiKey(owner, { orgId: t.orgA, desc: "deployer", roles: ["ORG_MEMBER"] });
    const reader = await ctxFor(rt, t.readOnly.id);
    expect(await failureOf(assignApiKeyToProject(reader, { projectId: t.projectA, apiKeyId: k.id, roles: ["GROUP_OWNER"] }))).toMatchObject({ code: "NOT_FOUND" });
    const other = await ctxFor(rt, t.ownerB.id);
    expect(await failureOf(assignApiKeyToProject(other, { projectId: t.projectB, apiKeyId: k.id, roles: ["GROUP_OWNER"] }))).toMatchObject({ code: "NOT_FOUND" });
    const dto = await assignApiKeyToProject(owner, { projectId: t.projectA, apiKeyId: k.id, roles: ["GROUP_READ_ONLY"] });
    expect(dto.roles).toEqual(expect.arrayContaining([{ groupId: t.projectA, roleName: "GROUP_READ_ONLY" }]));
    const r = await auth(digestHeader(k.publicKey, k.privateKey, "/x"), "/x");
    expect(r).toMatchObject({ ok: true, principal: { projectRoles: { [t.projectA]: ["GROUP_READ_ONLY"] } } });
    // Another organization's owner cannot unassign it through a project of theirs.
    expect(await failureOf(removeApiKeyFromProject(other, { projectId: t.projectB, apiKeyId: k.id }))).toMatchObject({ code: "NOT_FOUND" });
    expect((await getApiKey(owner, { orgId: t.orgA, apiKeyId: k.id })).projects.map((p) => p.projectId)).toEqual([t.projectA]);
    // An Organization Member without a role in the project sees neither the project nor its id in the roles.
    const max = await ctxFor(rt, t.member.id);
    const seen = (await listApiKeys(max, t.orgA)).find((x) => x.id === k.id)!;
    expect(seen.projects).toEqual([]);
    expect(seen.roles).toEqual([{ orgId: t.orgA, roleName: "ORG_MEMBER" }]);
    await removeApiKeyFromProject(owner, { projectId: t.projectA, apiKeyId: k.id });
    expect((await getApiKey(owner, { orgId: t.orgA, apiKeyId: k.id })).projects).toEqual([]);
  });

  it("a Project Owner creates a project API key: no organization role, roles in that project only; list, change, unassign", async () => {
    await grantProject(rt, t.projectA, t.member.id, ["GROUP_OWNER"]);
    const projectOwner = await ctxFor(rt, t.member.id);
    expect(await failureOf(createApiKey(projectOwner, { orgId: t.orgA, desc: "x", roles: ["ORG_READ_ONLY"] }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failureOf(createProjectApiKey(projectOwner, { projectId: t.projectA, desc: "ci", roles: ["ORG_OWNER"] }))).toMatchObject({ code: "VALIDATION", fieldErrors: { "roles.0": expect.any(Array) } });
    expect(await failureOf(createProjectApiKey(projectOwner, { projectId: t.projectA2, desc: "ci", roles: ["GROUP_OWNER"] }))).toMatchObject({ code: "NOT_FOUND" });
    const reader = await ctxFor(rt, t.readOnly.id);
    expect(await failureOf(createProjectApiKey(reader, { projectId: t.projectA, desc: "ci", roles: ["GROUP_READ_ONLY"] }))).toMatchObject({ code: "NOT_FOUND" });

    const k = await createProjectApiKey(projectOwner, { projectId: t.projectA, desc: "ci", roles: ["GROUP_DATABASE_ACCESS_ADMIN"] });
    expect(k.privateKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(k.roles).toEqual([{ groupId: t.projectA, roleName: "GROUP_DATABASE_ACCESS_ADMIN" }]);
    const signedIn = await auth(digestHeader(k.publicKey, k.privateKey, "/x"), "/x");
    expect(signedIn).toMatchObject({ ok: true, principal: { orgRoles: { [t.orgA]: [] }, projectRoles: { [t.projectA]: ["GROUP_DATABASE_ACCESS_ADMIN"] } } });
    expect((await auditTrail(rt)).find((e) => e.action === "api_key.created")).toMatchObject({ projectId: t.projectA, actorId: t.member.id });

    expect((await listProjectApiKeys(reader, t.projectA)).map((x) => x.id)).toEqual([k.id]);
    expect(await listProjectApiKeys(owner, t.projectA2)).toEqual([]);
    const changed = await updateProjectApiKey(projectOwner, { projectId: t.projectA, apiKeyId: k.id, desc: "ci pipeline", roles: ["GROUP_READ_ONLY"] });
    expect(changed).toMatchObject({ desc: "ci pipeline", roles: [{ groupId: t.projectA, roleName: "GROUP_READ_ONLY" }] });
    // Not assigned to that project, or another organization's key: not this project's to change.
    expect(await failureOf(updateProjectApiKey(owner, { projectId: t.projectA2, apiKeyId: k.id, roles: ["GROUP_OWNER"] }))).toMatchObject({ code: "NOT_FOUND" });
    const ownerB = await ctxFor(rt, t.ownerB.id);
    expect(await failureOf(updateProjectApiKey(ownerB, { projectId: t.projectB, apiKeyId: k.id, roles: ["GROUP_OWNER"] }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failureOf(updateProjectApiKey(projectOwner, { projectId: t.projectA, apiKeyId: k.id, roles: [] }))).toMatchObject({ code: "VALIDATION" });

    await removeApiKeyFromProject(projectOwner, { projectId: t.projectA, apiKeyId: k.id });
    expect(await listProjectApiKeys(owner, t.projectA)).toEqual([]);
    // Unassigned, the key still exists in the organization, with no access at all.
    expect((await getApiKey(owner, { orgId: t.orgA, apiKeyId: k.id })).roles).toEqual([]);
  });
});
