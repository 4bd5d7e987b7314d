import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide, type Permission, type Principal } from "@/lib/authz";
import type { OrgRole, ProjectRole } from "@/lib/authz/roles";
import { authenticateBearer } from "@/lib/server/service-accounts/bearer";
import { createServiceAccount } from "@/lib/server/service-accounts/manage";
import { tokenEndpoint } from "@/lib/server/service-accounts/oauth";
import { setRuntime } from "@/lib/server/runtime";
import { createTestRuntime, ctxFor, seedTenants, type TestRuntime } from "@/test/support/runtime";
import * as orgs from "@/app/api/atlas/v2/orgs/route";
import * as org from "@/app/api/atlas/v2/orgs/[orgId]/route";
import * as orgGroups from "@/app/api/atlas/v2/orgs/[orgId]/groups/route";
import * as group from "@/app/api/atlas/v2/groups/[groupId]/route";
import * as sas from "@/app/api/atlas/v2/orgs/[orgId]/serviceAccounts/route";
import * as sa from "@/app/api/atlas/v2/orgs/[orgId]/serviceAccounts/[clientId]/route";
import * as saSecrets from "@/app/api/atlas/v2/orgs/[orgId]/serviceAccounts/[clientId]/secrets/route";
import * as saAccess from "@/app/api/atlas/v2/orgs/[orgId]/serviceAccounts/[clientId]/accessList/route";
import * as groupSas from "@/app/api/atlas/v2/groups/[groupId]/serviceAccounts/route";
import * as groupSa from "@/app/api/atlas/v2/groups/[groupId]/serviceAccounts/[clientId]/route";
import * as keys from "@/app/api/atlas/v2/orgs/[orgId]/apiKeys/route";
import * as groupKeys from "@/app/api/atlas/v2/groups/[groupId]/apiKeys/route";
import * as groupKey from "@/app/api/atlas/v2/groups/[groupId]/apiKeys/[apiUserId]/route";
import { assignApiKeyToProject, createApiKey } from "@/lib/server/api-keys/manage";
import * as dbUsers from "@/app/api/atlas/v2/groups/[groupId]/databaseUsers/route";
import * as dbUser from "@/app/api/atlas/v2/groups/[groupId]/databaseUsers/[databaseName]/[username]/route";
import * as userSecurity from "@/app/api/atlas/v2/groups/[groupId]/userSecurity/route";
import * as customerX509 from "@/app/api/atlas/v2/groups/[groupId]/userSecurity/customerX509/route";
import * as keystore from "@/app/api/v1/groups/[groupId]/keystore/route";
import * as connectors from "@/app/api/v1/groups/[groupId]/connectors/route";
import * as keystoreWrite from "@/app/api/v1/groups/[groupId]/keystore/route";
import * as signerRoute from "@/app/api/v1/groups/[groupId]/signer/route";
import * as groupEvents from "@/app/api/v1/groups/[groupId]/events/route";
import * as orgEvents from "@/app/api/v1/orgs/[orgId]/events/route";

// The role matrix over the Admin API: every endpoint × a service account holding each role ×
// its own organization and another one. What a call may do is what the permission table says
// for that principal — a role that cannot do a thing in the console cannot do it over the API —
// and another organization's resources answer 404 (they do not exist, for this caller).

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
// Each route types its own params; the matrix calls them all the same way.
const h = (f: unknown) => f as Handler;
type Ids = { orgId: string; projectId: string; clientId: string; apiKeyId: string };
type Endpoint = { name: string; call: (ids: Ids, n: number) => [Handler, string, string, Record<string, string>, unknown?]; permission: Permission; scope: "org" | "project"; ok: number };

const E: Endpoint[] = [
  { name: "GET /orgs/{orgId}", call: (i) => [h(org.GET), "GET", `/orgs/${i.orgId}`, { orgId: i.orgId }], permission: "org.read", scope: "org", ok: 200 },
  { name: "GET /orgs/{orgId}/groups", call: (i) => [h(orgGroups.GET), "GET", `/orgs/${i.orgId}/groups`, { orgId: i.orgId }], permission: "org.read", scope: "org", ok: 200 },
  { name: "GET /groups/{groupId}", call: (i) => [h(group.GET), "GET", `/groups/${i.projectId}`, { groupId: i.projectId }], permission: "project.read", scope: "project", ok: 200 },
  { name: "GET serviceAccounts", call: (i) => [h(sas.GET), "GET", `/orgs/${i.orgId}/serviceAccounts`, { orgId: i.orgId }], permission: "org.service_accounts.read", scope: "org", ok: 200 },
  { name: "POST serviceAccounts", call: (i, n) => [h(sas.POST), "POST", `/orgs/${i.orgId}/serviceAccounts`, { orgId: i.orgId }, { name: `made ${n}`, description: "matrix", roles: ["ORG_READ_ONLY"], secretExpiresAfterHours: 8 }], permission: "org.service_accounts.write", scope: "org", ok: 201 },
  { name: "GET serviceAccounts/{clientId}", call: (i) => [h(sa.GET), "GET", `/orgs/${i.orgId}/serviceAccounts/${i.clientId}`, { orgId: i.orgId, clientId: i.clientId }], permission: "org.service_accounts.read", scope: "org", ok: 200 },
  { name: "PATCH serviceAccounts/{clientId}", call: (i, n) => [h(sa.PATCH), "PATCH", `/orgs/${i.orgId}/serviceAccounts/${i.clientId}`, { orgId: i.orgId, clientId: i.clientId }, { description: `changed ${n}` }], permission: "org.service_accounts.write", scope: "org", ok: 200 },
  { name: "POST …/secrets", call: (i) => [h(saSecrets.POST), "POST", `/orgs/${i.orgId}/serviceAccounts/${i.clientId}/secrets`, { orgId: i.orgId, clientId: i.clientId }, { secretExpiresAfterHours: 8 }], permission: "org.service_accounts.write", scope: "org", ok: 201 },
  { name: "POST …/accessList", call: (i, n) => [h(saAccess.POST), "POST", `/orgs/${i.orgId}/serviceAccounts/${i.clientId}/accessList`, { orgId: i.orgId, clientId: i.clientId }, [{ ipAddress: `10.0.0.${n}` }]], permission: "org.service_accounts.write", scope: "org", ok: 201 },
  { name: "GET /groups/{groupId}/serviceAccounts", call: (i) => [h(groupSas.GET), "GET", `/groups/${i.projectId}/serviceAccounts`, { groupId: i.projectId }], permission: "project.service_accounts.read", scope: "project", ok: 200 },
  { name: "POST …:invite", call: (i) => [h(groupSa.POST), "POST", `/groups/${i.projectId}/serviceAccounts/${i.clientId}:invite`, { groupId: i.projectId, clientId: `${i.clientId}:invite` }, { roles: ["GROUP_READ_ONLY"] }], permission: "project.service_accounts.write", scope: "project", ok: 200 },
  { name: "GET apiKeys", call: (i) => [h(keys.GET), "GET", `/orgs/${i.orgId}/apiKeys`, { orgId: i.orgId }], permission: "org.service_accounts.read", scope: "org", ok: 200 },
  { name: "POST apiKeys", call: (i, n) => [h(keys.POST), "POST", `/orgs/${i.orgId}/apiKeys`, { orgId: i.orgId }, { desc: `key ${n}`, roles: ["ORG_READ_ONLY"] }], permission: "org.service_accounts.write", scope: "org", ok: 201 },
  { name: "GET /groups/{groupId}/apiKeys", call: (i) => [h(groupKeys.GET), "GET", `/groups/${i.projectId}/apiKeys`, { groupId: i.projectId }], permission: "project.service_accounts.read", scope: "project", ok: 200 },
  { name: "POST /groups/{groupId}/apiKeys", call: (i, n) => [h(groupKeys.POST), "POST", `/groups/${i.projectId}/apiKeys`, { groupId: i.projectId }, { desc: `project key ${n}`, roles: ["GROUP_READ_ONLY"] }], permission: "project.service_accounts.write", scope: "project", ok: 201 },
  // Assign, change, unassign: in this order, so each allowed caller finds the key as it expects.
  { name: "POST /groups/{groupId}/apiKeys/{apiUserId}", call: (i) => [h(groupKey.POST), "POST", `/groups/${i.projectId}/apiKeys/${i.apiKeyId}`, { groupId: i.projectId, apiUserId: i.apiKeyId }, [{ roles: ["GROUP_READ_ONLY"] }]], permission: "project.service_accounts.write", scope: "project", ok: 200 },
  { name: "PATCH /groups/{groupId}/apiKeys/{apiUserId}", call: (i) => [h(groupKey.PATCH), "PATCH", `/groups/${i.projectId}/apiKeys/${i.apiKeyId}`, { groupId: i.projectId, apiUserId: i.apiKeyId }, { roles: ["GROUP_DATABASE_ACCESS_ADMIN"] }], permission: "project.service_accounts.write", scope: "project", ok: 200 },
  { name: "DELETE /groups/{groupId}/apiKeys/{apiUserId}", call: (i) => [h(groupKey.DELETE), "DELETE", `/groups/${i.projectId}/apiKeys/${i.apiKeyId}`, { groupId: i.projectId, apiUserId: i.apiKeyId }], permission: "project.service_accounts.write", scope: "project", ok: 204 },
  { name: "GET databaseUsers", call: (i) => [h(dbUsers.GET), "GET", `/groups/${i.projectId}/databaseUsers`, { groupId: i.projectId }], permission: "project.dbusers.read", scope: "project", ok: 200 },
  { name: "POST databaseUsers", call: (i, n) => [h(dbUsers.POST), "POST", `/groups/${i.projectId}/databaseUsers`, { groupId: i.projectId }, { username: `app${n}`, databaseName: "admin", password: "app-password-1", roles: [{ roleName: "readAnyDatabase", databaseName: "admin" }] }], permission: "project.dbusers.write", scope: "project", ok: 201 },
  { name: "GET databaseUsers/admin/seeded", call: (i) => [h(dbUser.GET), "GET", `/groups/${i.projectId}/databaseUsers/admin/seeded`, { groupId: i.projectId, databaseName: "admin", username: "seeded" }], permission: "project.dbusers.read", scope: "project", ok: 200 },
  { name: "GET userSecurity", call: (i) => [h(userSecurity.GET), "GET", `/groups/${i.projectId}/userSecurity`, { groupId: i.projectId }], permission: "project.security.read", scope: "project", ok: 200 },
  { name: "PATCH userSecurity (not a CA → 400 when allowed)", call: (i) => [h(userSecurity.PATCH), "PATCH", `/groups/${i.projectId}/userSecurity`, { groupId: i.projectId }, { customerX509: { cas: "not a pem" } }], permission: "project.security.write", scope: "project", ok: 400 },
  { name: "PATCH userSecurity (a null body → 400 when allowed)", call: (i) => [h(userSecurity.PATCH), "PATCH", `/groups/${i.projectId}/userSecurity`, { groupId: i.projectId }, null], permission: "project.security.write", scope: "project", ok: 400 },
  { name: "PATCH userSecurity (LDAP only → 400 when allowed)", call: (i) => [h(userSecurity.PATCH), "PATCH", `/groups/${i.projectId}/userSecurity`, { groupId: i.projectId }, { ldap: { authenticationEnabled: true } }], permission: "project.security.write", scope: "project", ok: 400 },
  // Nothing was ever saved: still only for those who may change it.
  { name: "DELETE userSecurity/customerX509", call: (i) => [h(customerX509.DELETE), "DELETE", `/groups/${i.projectId}/userSecurity/customerX509`, { groupId: i.projectId }], permission: "project.security.write", scope: "project", ok: 202 },
  { name: "GET v1 keystore", call: (i) => [h(keystore.GET), "GET", `/v1/groups/${i.projectId}/keystore`, { groupId: i.projectId }], permission: "project.keystore.read", scope: "project", ok: 200 },
  { name: "POST v1 keystore (New)", call: (i, n) => [h(keystoreWrite.POST), "POST", `/v1/groups/${i.projectId}/keystore`, { groupId: i.projectId }, { alias: `m${n}`, usage: "Client", commonName: `m${n}`, keyAlgorithm: "EC-P-256", validityDays: 30, password: "matrix-password-1", signedBy: "self" }], permission: "project.keystore.write", scope: "project", ok: 201 },
  { name: "POST v1 signer (garbage CSR → 400 when allowed)", call: (i) => [h(signerRoute.POST), "POST", `/v1/groups/${i.projectId}/signer`, { groupId: i.projectId }, { csr: "not a csr", caAlias: "none", caPassword: "x", usage: "Client", validityDays: 30 }], permission: "project.signer.sign", scope: "project", ok: 400 },
  { name: "GET v1 connectors", call: (i) => [h(connectors.GET), "GET", `/v1/groups/${i.projectId}/connectors`, { groupId: i.projectId }], permission: "project.connectors.read", scope: "project", ok: 200 },
  { name: "GET v1 project events", call: (i) => [h(groupEvents.GET), "GET", `/v1/groups/${i.projectId}/events`, { groupId: i.projectId }], permission: "project.audit.read", scope: "project", ok: 200 },
  { name: "GET v1 org events", call: (i) => [h(orgEvents.GET), "GET", `/v1/orgs/${i.orgId}/events`, { orgId: i.orgId }], permission: "org.audit.read", scope: "org", ok: 200 },
];

const CASTS: { name: string; org: OrgRole[]; project?: ProjectRole[] }[] = [
  { name: "ORG_OWNER", org: ["ORG_OWNER"] },
  { name: "ORG_READ_ONLY", org: ["ORG_READ_ONLY"] },
  { name: "ORG_MEMBER", org: ["ORG_MEMBER"] },
  { name: "ORG_MEMBER + GROUP_OWNER", org: ["ORG_MEMBER"], project: ["GROUP_OWNER"] },
  { name: "ORG_MEMBER + GROUP_READ_ONLY", org: ["ORG_MEMBER"], project: ["GROUP_READ_ONLY"] },
  { name: "ORG_MEMBER + GROUP_DATABASE_ACCESS_ADMIN", org: ["ORG_MEMBER"], project: ["GROUP_DATABASE_ACCESS_ADMIN"] },
];

let rt: TestRuntime;
let t: Awaited<ReturnType<typeof seedTenants>>;
const tokens = new Map<string, { token: string; principal: Principal }>();
let own: Ids;
let other: Ids;

beforeAll(async () => {
  rt = createTestRuntime({ GATEHOUSE_OAUTH_TOKENS_PER_MINUTE: "1000" });
  setRuntime(rt);
  t = await seedTenants(rt);
  const ownerA = await ctxFor(rt, t.ownerA.id);
  const ownerB = await ctxFor(rt, t.ownerB.id);
  const { createDatabaseUser } = await import("@/lib/server/database-access/users");
  await createDatabaseUser(ownerA, { projectId: t.projectA, authMethod: "SCRAM", username: "seeded", password: "seeded-password", roles: [{ kind: "builtin", roleName: "readAnyDatabase" }] });
  const target = await createServiceAccount(ownerA, { orgId: t.orgA, name: "target", description: "the account the calls act on", roles: ["ORG_READ_ONLY"], secretExpiresAfterHours: 8 });
  const targetB = await createServiceAccount(ownerB, { orgId: t.orgB, name: "target", description: "another organization's", roles: ["ORG_READ_ONLY"], secretExpiresAfterHours: 8 });
  const key = await createApiKey(ownerA, { orgId: t.orgA, desc: "the key the calls act on", roles: ["ORG_READ_ONLY"] });
  const keyB = await createApiKey(ownerB, { orgId: t.orgB, desc: "another organization's", roles: ["ORG_READ_ONLY"] });
  await assignApiKeyToProject(ownerB, { projectId: t.projectB, apiKeyId: keyB.id, roles: ["GROUP_READ_ONLY"] });
  own = { orgId: t.orgA, projectId: t.projectA, clientId: target.clientId, apiKeyId: key.id };
  other = { orgId: t.orgB, projectId: t.projectB, clientId: targetB.clientId, apiKeyId: keyB.id };
  for (const c of CASTS) {
    const a = await createServiceAccount(ownerA, { orgId: t.orgA, name: c.name.replace(/\+/g, "and").slice(0, 64), description: "matrix caller", roles: c.org, secretExpiresAfterHours: 8, projects: c.project ? [{ projectId: t.projectA, roles: c.project }] : [] });
    const r = await tokenEndpoint(rt, { authorization: `Basic ${Buffer.from(`${a.clientId}:${a.secrets[0]!.secret}`).toString("base64")}`, contentType: "application/x-www-form-urlencoded", body: "grant_type=client_credentials", ip: "203.0.113.7" });
    const token = String(r.body!.access_token);
    const auth = await authenticateBearer(rt, token, "203.0.113.7");
    if (!auth.ok) throw new Error("no principal");
    tokens.set(c.name, { token, principal: auth.principal });
  }
});
afterAll(() => {
  setRuntime(undefined);
  rt.close();
});

let n = 0;
async function call(e: Endpoint, ids: Ids, token: string) {
  const [handler, method, path, params, body] = e.call(ids, ++n);
  const req = new Request(`http://gatehouse.test/api/atlas/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "x-forwarded-for": "203.0.113.7", ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return handler(req, { params: Promise.resolve(params) });
}

describe("Admin API role matrix (service account bearer tokens)", () => {
  for (const c of CASTS) {
    it(`${c.name}: own organization as the table says, another organization 404 everywhere`, async () => {
      const { token, principal } = tokens.get(c.name)!;
      const rows: string[] = [];
      for (const e of E) {
        const scope = e.scope === "org" ? { orgId: own.orgId } : { orgId: own.orgId, projectId: own.projectId };
        const allowed = decide(principal, e.permission, scope).allowed;
        const res = await call(e, own, token);
        const body = res.status === 204 ? null : await res.json();
        if (allowed) {
          if (res.status !== e.ok) rows.push(`${e.name}: expected ${e.ok}, got ${res.status} ${JSON.stringify(body)}`);
        } else if (res.status !== 404 || body.errorCode !== "RESOURCE_NOT_FOUND") rows.push(`${e.name}: expected 404 RESOURCE_NOT_FOUND, got ${res.status}`);
        const elsewhere = await call(e, other, token);
        if (elsewhere.status !== 404) rows.push(`${e.name} in another organization: expected 404, got ${elsewhere.status}`);
      }
      expect(rows).toEqual([]);
    });
  }

  it("a Project Read Only service account cannot write and cannot see another project", async () => {
    const { token } = tokens.get("ORG_MEMBER + GROUP_READ_ONLY")!;
    const write = await call(E.find((e) => e.name === "POST databaseUsers")!, own, token);
    expect(write.status).toBe(404);
    const sibling = await call(E.find((e) => e.name === "GET /groups/{groupId}")!, { ...own, projectId: t.projectA2 }, token);
    expect(sibling.status).toBe(404);
  });

  it("answers malformed JSON and unknown fields with a 400 in Atlas's error shape, and lists in the envelope", async () => {
    const { token } = tokens.get("ORG_OWNER")!;
    const req = (body: string) => new Request(`http://gatehouse.test/api/atlas/v2/orgs/${own.orgId}/serviceAccounts`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/vnd.atlas.2024-08-05+json" }, body });
    const bad = await h(sas.POST)(req("{not json"), { params: Promise.resolve({ orgId: own.orgId }) });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toMatch(/json/);
    expect(await bad.json()).toMatchObject({ error: 400, errorCode: "VALIDATION_ERROR", reason: "Bad Request", parameters: [], detail: expect.stringContaining("not valid JSON") });
    const unknown = await h(sas.POST)(req(JSON.stringify({ name: "x", description: "x", roles: ["ORG_OWNER"], secretExpiresAfterHours: 8, isAdmin: true })), { params: Promise.resolve({ orgId: own.orgId }) });
    expect(unknown.status).toBe(400);
    const list = await h(orgs.GET)(new Request("http://gatehouse.test/api/atlas/v2/orgs?itemsPerPage=1&pageNum=1", { headers: { authorization: `Bearer ${token}`, accept: "application/vnd.atlas.2023-02-01+json" } }), { params: Promise.resolve({}) });
    expect(list.headers.get("content-type")).toBe("application/vnd.atlas.2023-01-01+json;charset=utf-8");
    expect(await list.json()).toMatchObject({ totalCount: 1, results: [{ id: own.orgId }], links: [{ rel: "self" }] });
    const tooOld = await h(orgs.GET)(new Request("http://gatehouse.test/api/atlas/v2/orgs", { headers: { authorization: `Bearer ${token}`, accept: "application/vnd.atlas.2020-01-01+json" } }), { params: Promise.resolve({}) });
    expect(tooOld.status).toBe(406);
  });
});
