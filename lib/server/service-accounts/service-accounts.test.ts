import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BACKGROUND_BATCH_SIZE } from "../batches";
import { auditTrail, createTestRuntime, ctxFor, failureOf, freezeClock, HOUR, seedTenants, type TestRuntime } from "@/test/support/runtime";
import type { AuthedCtx, PrincipalCtx } from "../context";
import { listAllProjects } from "../projects";
import { authenticateBearer } from "./bearer";
import { addAccessListEntries, removeAccessListEntry, auditExpiringSecrets, createServiceAccount, getSecretPolicy, deleteServiceAccount, generateSecret, getServiceAccount, listServiceAccounts, revokeSecret, setOrgSecretPolicy, updateServiceAccount } from "./manage";
import { MAX_ACTIVE_TOKENS, revokeEndpoint, tokenEndpoint } from "./oauth";
import { inviteServiceAccountToProject } from "./project-access";

let rt: TestRuntime;
let t: Awaited<ReturnType<typeof seedTenants>>;
let owner: AuthedCtx;
let clock: ReturnType<typeof freezeClock>;
const IP = "203.0.113.7";

beforeEach(async () => {
  clock = freezeClock("2026-06-01T09:00:00.000Z");
  rt = createTestRuntime({ GATEHOUSE_OAUTH_TOKENS_PER_MINUTE: "1000" });
  t = await seedTenants(rt);
  owner = await ctxFor(rt, t.ownerA.id);
});
afterEach(() => {
  clock.restore();
  rt.close();
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
const FORM = "application/x-www-form-urlencoded";
const mint = (id: string, secret: string, ip = IP) => tokenEndpoint(rt, { authorization: basic(id, secret), contentType: FORM, body: "grant_type=client_credentials", ip });
async function tokenFor(id: string, secret: string) {
  const r = await mint(id, secret);
  expect(r.status).toBe(200);
  return String(r.body!.access_token);
}
async function asBearer(token: string, ip = IP): Promise<PrincipalCtx> {
  const r = await authenticateBearer(rt, token, ip);
  if (!r.ok) throw new Error(`bearer refused: ${r.code}`);
  return { rt, ip, userAgent: "vitest", user: null, principal: r.principal };
}
const create = (over: Record<string, unknown> = {}) => createServiceAccount(owner, { orgId: t.orgA, name: "ci bot", description: "CI pipeline", roles: ["ORG_READ_ONLY"], secretExpiresAfterHours: 720, ...over });

describe("service accounts", () => {
  it("shows the Client Secret once at creation; later reads carry only the mask; audited", async () => {
    const sa = await create();
    expect(sa.clientId).toMatch(/^mdb_sa_id_[a-f0-9]{24}$/);
    const secret = sa.secrets[0]!.secret;
    expect(secret).toMatch(/^mdb_sa_sk_/);
    const later = await getServiceAccount(owner, { orgId: t.orgA, clientId: sa.clientId });
    expect(JSON.stringify(later)).not.toContain(secret);
    expect(later.secrets[0]!.maskedSecretValue).toBe(`mdb_sa_sk_****${secret.slice(-4)}`);
    expect(JSON.stringify(await auditTrail(rt))).not.toContain(secret);
    expect((await auditTrail(rt)).map((e) => e.action)).toContain("service_account.created");
    expect(await failureOf(create())).toMatchObject({ code: "CONFLICT", fieldErrors: { name: expect.any(Array) } });
  });

  it("refuses bad input at the field and unknown fields", async () => {
    expect(await failureOf(create({ name: "" }))).toMatchObject({ code: "VALIDATION", fieldErrors: { name: expect.any(Array) } });
    expect(await failureOf(create({ name: "bad<name>" }))).toMatchObject({ fieldErrors: { name: expect.any(Array) } });
    expect(await failureOf(create({ roles: [] }))).toMatchObject({ fieldErrors: { roles: expect.any(Array) } });
    expect(await failureOf(create({ secretExpiresAfterHours: 7 }))).toMatchObject({ fieldErrors: { secretExpiresAfterHours: expect.any(Array) } });
    expect(await failureOf(create({ secretExpiresAfterHours: 8761 }))).toMatchObject({ fieldErrors: { secretExpiresAfterHours: expect.any(Array) } });
    expect(await failureOf(create({ isAdmin: true }))).toMatchObject({ code: "VALIDATION" });
    await setOrgSecretPolicy(owner, { orgId: t.orgA, maxSecretHours: 48 });
    expect(await getSecretPolicy(owner, t.orgA)).toMatchObject({ maxSecretHours: 48 });
    expect(await failureOf(create({ secretExpiresAfterHours: 72 }))).toMatchObject({ fieldErrors: { secretExpiresAfterHours: [expect.stringContaining("48 hours")] } });
    expect(await listServiceAccounts(owner, t.orgA)).toEqual([]);
  });

  it("rotates: at most two active secrets, the new one mints, the revoked one and its tokens stop at once", async () => {
    const sa = await create();
    const first = sa.secrets[0]!;
    const oldToken = await tokenFor(sa.clientId, first.secret);
    const second = await generateSecret(owner, { orgId: t.orgA, clientId: sa.clientId });
    expect(await failureOf(generateSecret(owner, { orgId: t.orgA, clientId: sa.clientId }))).toMatchObject({ code: "CONFLICT" });
    await tokenFor(sa.clientId, second.secret);
    await revokeSecret(owner, { orgId: t.orgA, clientId: sa.clientId, secretId: first.id });
    expect((await mint(sa.clientId, first.secret)).status).toBe(401);
    expect(await authenticateBearer(rt, oldToken, IP)).toMatchObject({ ok: false, status: 401, code: "TOKEN_REVOKED" });
    expect((await getServiceAccount(owner, { orgId: t.orgA, clientId: sa.clientId })).secrets.map((s) => s.id)).toEqual([second.id]);
  });

  it("many secrets entering the warning window at once: each audited once, over several batches", async () => {
    for (let i = 0; i < BACKGROUND_BATCH_SIZE + 5; i++) await create({ name: `fleet ${i}`, secretExpiresAfterHours: 8 * 24 });
    await create({ name: "long lived", secretExpiresAfterHours: 90 * 24 });
    clock.advance(2 * 24 * HOUR);
    expect(await auditExpiringSecrets(rt)).toBe(BACKGROUND_BATCH_SIZE + 5);
    expect(await auditExpiringSecrets(rt)).toBe(0);
    const events = (await auditTrail(rt)).filter((e) => e.action === "service_account.secret_expiring");
    expect(events).toHaveLength(BACKGROUND_BATCH_SIZE + 5);
    expect(new Set(events.map((e) => e.target)).size).toBe(BACKGROUND_BATCH_SIZE + 5);
    expect(events.map((e) => (e.detail as { name: string }).name)).not.toContain("long lived");
  });

  it("an expired secret cannot mint; a secret about to expire is flagged", async () => {
    const sa = await create({ secretExpiresAfterHours: 8 * 24 });
    clock.advance(2 * 24 * HOUR);
    expect((await getServiceAccount(owner, { orgId: t.orgA, clientId: sa.clientId })).secrets[0]).toMatchObject({ expiringSoon: true, expired: false });
    expect(await auditExpiringSecrets(rt)).toBe(1);
    expect(await auditExpiringSecrets(rt)).toBe(0);
    expect((await auditTrail(rt)).filter((e) => e.action === "service_account.secret_expiring")).toHaveLength(1);
    clock.advance(7 * 24 * HOUR);
    expect((await mint(sa.clientId, sa.secrets[0]!.secret)).status).toBe(401);
    expect((await getServiceAccount(owner, { orgId: t.orgA, clientId: sa.clientId })).secrets[0]).toMatchObject({ expired: true });
  });

  it("a token never outlives its secret: minted 30 minutes before the secret expires, it lasts 30 minutes", async () => {
    const sa = await create({ secretExpiresAfterHours: 8 });
    clock.advance(7.5 * HOUR);
    const r = await mint(sa.clientId, sa.secrets[0]!.secret);
    expect(r).toMatchObject({ status: 200, body: { expires_in: 1800 } });
    const token = (r.body as { access_token: string }).access_token;
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { iat: number; exp: number };
    expect(claims.exp - claims.iat).toBe(1800);
    expect((await authenticateBearer(rt, token, IP)).ok).toBe(true);
    clock.advance(1800_000);
    expect(await authenticateBearer(rt, token, IP)).toMatchObject({ ok: false, code: "TOKEN_EXPIRED" });
  });

  it("only owners manage them: a Read Only or Member principal gets NOT_FOUND, another organization sees nothing", async () => {
    const sa = await create();
    const member = await ctxFor(rt, t.member.id);
    expect(await listServiceAccounts(member, t.orgA)).toHaveLength(1);
    expect(await failureOf(createServiceAccount(member, { orgId: t.orgA, name: "x", description: "x", roles: ["ORG_OWNER"], secretExpiresAfterHours: 8 }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failureOf(generateSecret(member, { orgId: t.orgA, clientId: sa.clientId }))).toMatchObject({ code: "NOT_FOUND" });
    const other = await ctxFor(rt, t.ownerB.id);
    expect(await failureOf(getServiceAccount(other, { orgId: t.orgA, clientId: sa.clientId }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failureOf(getServiceAccount(other, { orgId: t.orgB, clientId: sa.clientId }))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("an Organization Member sees an account's access only to projects the member can open", async () => {
    const sa = await create({ projects: [{ projectId: t.projectA, roles: ["GROUP_READ_ONLY"] }, { projectId: t.projectA2, roles: ["GROUP_OWNER"] }] });
    expect((await getServiceAccount(owner, { orgId: t.orgA, clientId: sa.clientId })).projects.map((p) => p.projectName).sort()).toEqual(["Plant", "Warehouse"]);
    // Rita reads Plant only; Max (a member without project roles) no project at all.
    const rita = await ctxFor(rt, t.readOnly.id);
    expect((await getServiceAccount(rita, { orgId: t.orgA, clientId: sa.clientId })).projects.map((p) => p.projectName)).toEqual(["Plant"]);
    const max = await ctxFor(rt, t.member.id);
    expect((await listServiceAccounts(max, t.orgA))[0]!.projects).toEqual([]);
  });
});

describe("OAuth 2.0 token endpoint", () => {
  it("answers RFC 6749 JSON: a Bearer token for an hour; invalid_client for anything wrong, alike", async () => {
    const sa = await create();
    const secret = sa.secrets[0]!.secret;
    const ok = await mint(sa.clientId, secret);
    expect(ok).toMatchObject({ status: 200, body: { token_type: "Bearer", expires_in: 3600, access_token: expect.stringMatching(/^eyJ/) } });
    expect(ok.headers["cache-control"]).toBe("no-store");
    const post = await tokenEndpoint(rt, { authorization: null, contentType: FORM, body: `grant_type=client_credentials&client_id=${sa.clientId}&client_secret=${secret}`, ip: IP });
    expect(post.status).toBe(200);
    const wrong = await mint(sa.clientId, secret + "x");
    const unknown = await mint("mdb_sa_id_000000000000000000000000", secret);
    expect(wrong).toEqual(unknown);
    expect(wrong).toMatchObject({ status: 401, body: { error: "invalid_client" }, headers: { "www-authenticate": expect.stringMatching(/^Basic /) } });
    expect((await tokenEndpoint(rt, { authorization: "Basic %%%", contentType: FORM, body: "grant_type=client_credentials", ip: IP })).status).toBe(401);
    expect((await tokenEndpoint(rt, { authorization: null, contentType: FORM, body: "grant_type=client_credentials", ip: IP })).status).toBe(401);
    expect(await tokenEndpoint(rt, { authorization: basic(sa.clientId, secret), contentType: FORM, body: "grant_type=password", ip: IP })).toMatchObject({ status: 400, body: { error: "unsupported_grant_type" } });
    expect(await tokenEndpoint(rt, { authorization: basic(sa.clientId, secret), contentType: FORM, body: "", ip: IP })).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    expect(await tokenEndpoint(rt, { authorization: basic(sa.clientId, secret), contentType: "application/json", body: "{}", ip: IP })).toMatchObject({ status: 400, body: { error: "invalid_request" } });
  });

  it("refuses a client id that cannot be one of ours like an unknown one, before it becomes a rate-limit key", async () => {
    const sa = await create();
    const secret = sa.secrets[0]!.secret;
    expect((await mint(sa.clientId, secret)).status).toBe(200);
    const limiter = (globalThis as unknown as { __gatehouseTokenLimiter: { size: number } }).__gatehouseTokenLimiter;
    const keys = limiter.size;
    const unknown = await mint("mdb_sa_id_0123456789abcdef01234567", secret);
    expect(limiter.size).toBe(keys + 1);
    // Any size, in the Basic header or the form: the same answer as an unknown client, and no key kept.
    for (const id of ["x".repeat(100_000), `${sa.clientId}x`, sa.clientId.toUpperCase(), ""]) {
      expect(await mint(id, secret)).toEqual(unknown);
      expect(await tokenEndpoint(rt, { authorization: null, contentType: FORM, body: `grant_type=client_credentials&client_id=${encodeURIComponent(id)}&client_secret=${secret}`, ip: IP })).toEqual(unknown);
    }
    expect(limiter.size).toBe(keys + 1);
  });

  it("rate-limits per client and IP with Retry-After, and caps active tokens at 100 (access_denied)", async () => {
    rt.close();
    rt = createTestRuntime({ GATEHOUSE_OAUTH_TOKENS_PER_MINUTE: "3" });
    t = await seedTenants(rt);
    owner = await ctxFor(rt, t.ownerA.id);
    const sa = await create();
    const s = sa.secrets[0]!.secret;
    for (let i = 0; i < 3; i++) expect((await mint(sa.clientId, s)).status).toBe(200);
    const limited = await mint(sa.clientId, s);
    expect(limited).toMatchObject({ status: 429, body: { errorCode: "RATE_LIMITED" }, headers: { "retry-after": "60", "ratelimit-limit": "3", "ratelimit-remaining": "0" } });
    expect((await mint(sa.clientId, s, "198.51.100.9")).status).toBe(200);
    // Each from its own address (so the per-IP limit does not interfere), within the hour.
    for (let i = 4; i < MAX_ACTIVE_TOKENS; i++) expect((await mint(sa.clientId, s, `10.0.${i >> 8}.${i & 255}`)).status).toBe(200);
    expect(await mint(sa.clientId, s, "10.9.9.9")).toMatchObject({ status: 403, body: { error: "access_denied" } });
  });

  it("records a secret's last use to the minute: a first token writes it, another within the minute does not", async () => {
    const sa = await create();
    const s = sa.secrets[0]!.secret;
    const lastUsed = async () => (await getServiceAccount(owner, { orgId: t.orgA, clientId: sa.clientId })).secrets[0]!.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    expect((await mint(sa.clientId, s)).status).toBe(200);
    expect(await lastUsed()).toBe("2026-06-01T09:00:00.000Z");
    clock.advance(59_000);
    expect((await mint(sa.clientId, s)).status).toBe(200);
    expect(await lastUsed()).toBe("2026-06-01T09:00:00.000Z");
    clock.advance(1_000);
    expect((await mint(sa.clientId, s)).status).toBe(200);
    expect(await lastUsed()).toBe("2026-06-01T09:01:00.000Z");
  });

  it("keeps the 100-token cap exact when requests arrive together: the count and the insert are one transaction", async () => {
    const sa = await create();
    const s = sa.secrets[0]!.secret;
    for (let i = 0; i < MAX_ACTIVE_TOKENS - 3; i++) expect((await mint(sa.clientId, s, `10.1.${i >> 8}.${i & 255}`)).status).toBe(200);
    const together = await Promise.all(Array.from({ length: 6 }, (_, i) => mint(sa.clientId, s, `10.2.0.${i}`)));
    expect(together.map((r) => r.status).sort()).toEqual([200, 200, 200, 403, 403, 403]);
    const issued = (await auditTrail(rt)).filter((e) => e.action === "oauth.token_issued" && e.target === `service_account:${sa.clientId}`);
    expect(issued).toHaveLength(MAX_ACTIVE_TOKENS);
  });

  it("revoke: two revocations of one token arriving together record one event", async () => {
    const sa = await create();
    const s = sa.secrets[0]!.secret;
    const token = await tokenFor(sa.clientId, s);
    const revoke = () => revokeEndpoint(rt, { authorization: basic(sa.clientId, s), contentType: FORM, body: `token=${token}`, ip: IP });
    expect((await Promise.all([revoke(), revoke()])).map((r) => r.status)).toEqual([200, 200]);
    expect((await auditTrail(rt)).filter((e) => e.action === "oauth.token_revoked")).toHaveLength(1);
  });

  it("revoke: 200 with an empty body; the token then fails on the API", async () => {
    const sa = await create();
    const s = sa.secrets[0]!.secret;
    const token = await tokenFor(sa.clientId, s);
    await asBearer(token);
    const r = await revokeEndpoint(rt, { authorization: basic(sa.clientId, s), contentType: FORM, body: `token=${token}&token_type_hint=access_token`, ip: IP });
    expect(r).toMatchObject({ status: 200, body: null });
    expect(await authenticateBearer(rt, token, IP)).toMatchObject({ ok: false, code: "TOKEN_REVOKED" });
  });
});

describe("bearer tokens on the Admin API", () => {
  it("a token stops at expiry and with its account; the access list is enforced and names the IP", async () => {
    const sa = await create();
    const token = await tokenFor(sa.clientId, sa.secrets[0]!.secret);
    await addAccessListEntries(owner, { orgId: t.orgA, clientId: sa.clientId, entries: [{ cidrBlock: "203.0.113.0/24" }] });
    await asBearer(token, "203.0.113.99");
    expect(await authenticateBearer(rt, token, "198.51.100.1")).toMatchObject({ ok: false, status: 403, code: "IP_ADDRESS_NOT_ON_ACCESS_LIST", message: expect.stringContaining("198.51.100.1") });
    expect(await failureOf(addAccessListEntries(owner, { orgId: t.orgA, clientId: sa.clientId, entries: [{ ipAddress: "not-an-ip" }] }))).toMatchObject({ code: "VALIDATION" });
    clock.advance(HOUR);
    expect(await authenticateBearer(rt, token, "203.0.113.99")).toMatchObject({ ok: false, code: "TOKEN_EXPIRED" });
    const fresh = await tokenFor(sa.clientId, sa.secrets[0]!.secret);
    await deleteServiceAccount(owner, { orgId: t.orgA, clientId: sa.clientId });
    expect(await authenticateBearer(rt, fresh, "203.0.113.99")).toMatchObject({ ok: false, status: 401 });
  });

  it("an access-list entry is one entry however it is spelled: a second spelling updates it, and removing either spelling removes it", async () => {
    const sa = await create();
    const token = await tokenFor(sa.clientId, sa.secrets[0]!.secret);
    const list = await addAccessListEntries(owner, { orgId: t.orgA, clientId: sa.clientId, entries: [{ ipAddress: "203.0.113.7" }, { cidrBlock: "203.0.113.7/32", comment: "office" }, { ipAddress: "::ffff:203.0.113.7" }] });
    expect(list.map((e) => e.entry)).toEqual(["203.0.113.7"]);
    // A list kept from before entries were canonical may hold another spelling of the same address.
    const account = (await rt.store.serviceAccounts.getByClientId(sa.clientId))!;
    await rt.store.transaction((tx) => tx.accessLists.add({ ownerId: account.id, entry: "203.0.113.7/32", comment: null, createdAt: new Date().toISOString() }));
    await removeAccessListEntry(owner, { orgId: t.orgA, clientId: sa.clientId, entry: "203.0.113.7/32" });
    expect(await rt.store.accessLists.list(account.id)).toEqual([]);
    // Entries stored before the checks existed go too: a block with host bits set by the block it
    // names (which is how callers are checked against it), one that names nothing by its text.
    const legacy = (entry: string) => rt.store.transaction((tx) => tx.accessLists.add({ ownerId: account.id, entry, comment: null, createdAt: new Date().toISOString() }));
    await legacy("10.0.0.5/8");
    await legacy("::ffff:203.0.113.0/24");
    await removeAccessListEntry(owner, { orgId: t.orgA, clientId: sa.clientId, entry: "10.0.0.0/8" });
    await removeAccessListEntry(owner, { orgId: t.orgA, clientId: sa.clientId, entry: "::ffff:203.0.113.0/24" });
    expect(await rt.store.accessLists.list(account.id)).toEqual([]);
    expect(await failureOf(removeAccessListEntry(owner, { orgId: t.orgA, clientId: sa.clientId, entry: "10.0.0.0/8" }))).toMatchObject({ code: "NOT_FOUND" });
    // Under a list that no longer names it, the address is refused: no leftover spelling lets it in.
    await addAccessListEntries(owner, { orgId: t.orgA, clientId: sa.clientId, entries: [{ cidrBlock: "198.51.100.0/24" }] });
    expect(await authenticateBearer(rt, token, "203.0.113.7")).toMatchObject({ ok: false, code: "IP_ADDRESS_NOT_ON_ACCESS_LIST" });
    expect(await failureOf(addAccessListEntries(owner, { orgId: t.orgA, clientId: sa.clientId, entries: [{ cidrBlock: "::ffff:203.0.113.0/24" }] }))).toMatchObject({ code: "VALIDATION" });
    expect(await failureOf(addAccessListEntries(owner, { orgId: t.orgA, clientId: sa.clientId, entries: [{ cidrBlock: "10.0.0.5/8" }] }))).toMatchObject({ code: "VALIDATION", message: expect.stringContaining("10.0.0.0/8") });
  });

  it("a service account's roles decide what it may do, through the same table as the console", async () => {
    const sa = await create({ roles: ["ORG_MEMBER"], projects: [{ projectId: t.projectA, roles: ["GROUP_READ_ONLY"] }] });
    const ctx = await asBearer(await tokenFor(sa.clientId, sa.secrets[0]!.secret));
    expect((await listAllProjects(ctx)).map((p) => p.id)).toEqual([t.projectA]);
    expect(await failureOf(createServiceAccount(ctx, { orgId: t.orgA, name: "escalate", description: "x", roles: ["ORG_OWNER"], secretExpiresAfterHours: 8 }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failureOf(inviteServiceAccountToProject(ctx, { projectId: t.projectA, clientId: sa.clientId, roles: ["GROUP_OWNER"] }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failureOf(listAllProjects(ctx, t.orgB))).toMatchObject({ code: "NOT_FOUND" });

    const admin = await create({ name: "admin bot", roles: ["ORG_OWNER"] });
    const adminCtx = await asBearer(await tokenFor(admin.clientId, admin.secrets[0]!.secret));
    const updated = await updateServiceAccount(adminCtx, { orgId: t.orgA, clientId: sa.clientId, roles: ["ORG_READ_ONLY"] });
    expect(updated.roles).toEqual(["ORG_READ_ONLY"]);
    const trail = await auditTrail(rt);
    expect(trail.find((e) => e.action === "service_account.updated")).toMatchObject({ actorId: expect.any(String), actorLabel: `service account admin bot (${admin.clientId})` });
  });
});
