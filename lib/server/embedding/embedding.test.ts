import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EMBED_ERROR } from "@/lib/embedding/codes";
import { signEmbedQuery } from "@/lib/embedding/signed-url";
import { auditTrail, createTestRuntime, ctxFor, failureOf, freezeClock, grantOrg, grantProject, seedTenants, seedUser, type TestRuntime } from "@/test/support/runtime";
import type { AuthedCtx } from "../context";
import { checkSignedUrl, generateEmbeddingKey, getEmbeddingKeyInfo } from "./embedding-key";
import { checkEmbeddingToken, createEmbeddingProvider, deleteEmbeddingProvider, getEmbeddingPage, listEmbeddingProviders, updateEmbeddingProvider } from "./providers";

const SECRET = "a-long-random-secret-of-32-chars-or-more!";
const NOW = "2026-06-01T09:00:00.000Z";
const nowS = Date.parse(NOW) / 1000;

let rt: TestRuntime;
let t: Awaited<ReturnType<typeof seedTenants>>;
let owner: AuthedCtx;
let clock: ReturnType<typeof freezeClock>;
const servers: Server[] = [];

beforeEach(async () => {
  clock = freezeClock(NOW);
  rt = createTestRuntime({ GATEHOUSE_EMBEDDING_FETCH_ALLOW: "127.0.0.1" });
  t = await seedTenants(rt);
  owner = await ctxFor(rt, t.ownerA.id);
});
afterEach(async () => {
  clock.restore();
  rt.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const hsToken = (claims: Record<string, unknown>, secret = SECRET) => new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(secret));
const fresh = { sub: "user-1", iat: nowS - 60, exp: nowS + 3600 };

/** A JWKS endpoint on loopback; `hits` counts its requests. */
async function jwksServer(body: () => string) {
  const state = { hits: 0 };
  const server = createServer((_req, res) => {
    state.hits++;
    res.writeHead(200, { "content-type": "application/json" }).end(body());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, state };
}

describe("Embedding › Authentication Settings", () => {
  it("an HS256 provider: added, its secret sealed and never shown or audited; tokens are checked by every documented rule", async () => {
    const p = await createEmbeddingProvider(owner, { projectId: t.projectA, name: "Storefront", type: "custom-jwt", algorithm: "HS256", secret: SECRET, audience: "charts" });
    expect(p).toMatchObject({ name: "Storefront", typeLabel: "Custom JWT", algorithm: "HS256", audience: "charts", hasSecret: true });
    const stored = await rt.store.embedding.getProvider(p.id);
    expect(stored!.sealedSecret).not.toContain(SECRET);
    expect(JSON.stringify(await listEmbeddingProviders(owner, t.projectA))).not.toContain(SECRET);
    expect(JSON.stringify(await auditTrail(rt))).not.toContain(SECRET);

    const check = (token: string) => checkEmbeddingToken(owner, { projectId: t.projectA, token });
    expect(await check(await hsToken({ ...fresh, aud: "charts" }))).toMatchObject({ ok: true, providerName: "Storefront", claims: { sub: "user-1" } });
    expect(await check(await hsToken({ ...fresh, aud: "other" }))).toMatchObject({ ok: false, code: EMBED_ERROR.AUDIENCE_MISMATCH });
    expect(await check(await hsToken({ ...fresh, aud: "charts", exp: nowS - 1 }))).toMatchObject({ ok: false, code: EMBED_ERROR.EXPIRED });
    expect(await check(await hsToken({ ...fresh, aud: "charts", exp: nowS + 25 * 3600 }))).toMatchObject({ ok: false, code: EMBED_ERROR.LIFETIME_TOO_LONG });
    expect(await check(await hsToken({ aud: "charts", iat: nowS }))).toMatchObject({ ok: false, code: EMBED_ERROR.NO_EXPIRY });
    expect(await check(await hsToken({ ...fresh, aud: "charts", iat: nowS + 600, exp: nowS + 3600 }))).toMatchObject({ ok: false, code: EMBED_ERROR.ISSUED_IN_FUTURE });
    expect(await check(await hsToken({ ...fresh, aud: "charts" }, "another-secret-that-is-long-enough-too"))).toMatchObject({ ok: false, code: EMBED_ERROR.NO_MATCHING_PROVIDER });
    expect(await check("")).toMatchObject({ ok: false, code: EMBED_ERROR.TOKEN_REQUIRED });
    // Checks are audited with their outcome, never the token.
    const checks = (await auditTrail(rt)).filter((e) => e.action === "embedding.token_checked");
    expect(checks).toHaveLength(8);
    expect(checks[1]!.detail).toEqual({ accepted: false, code: EMBED_ERROR.AUDIENCE_MISMATCH });
  });

  it("no provider: error 11; after a provider is deleted its tokens are refused", async () => {
    const token = await hsToken(fresh);
    expect(await checkEmbeddingToken(owner, { projectId: t.projectA, token })).toMatchObject({ ok: false, code: EMBED_ERROR.NO_PROVIDERS });
    const p = await createEmbeddingProvider(owner, { projectId: t.projectA, name: "Shop", type: "custom-jwt", algorithm: "HS256", secret: SECRET });
    expect(await checkEmbeddingToken(owner, { projectId: t.projectA, token })).toMatchObject({ ok: true });
    expect(await failureOf(deleteEmbeddingProvider(owner, { projectId: t.projectA, providerId: p.id, version: p.version, confirmName: "shop" }))).toMatchObject({ code: "VALIDATION", fieldErrors: { confirmName: expect.any(Array) } });
    await deleteEmbeddingProvider(owner, { projectId: t.projectA, providerId: p.id, version: p.version, confirmName: "Shop" });
    expect(await checkEmbeddingToken(owner, { projectId: t.projectA, token })).toMatchObject({ ok: false, code: EMBED_ERROR.NO_PROVIDERS });
    expect((await auditTrail(rt)).map((e) => e.action)).toEqual(expect.arrayContaining(["embedding.provider_created", "embedding.provider_deleted"]));
  });

  it("RS256 from a PEM public key, a pasted JWKS and a JWKS URL (fetched when saved, cached after)", async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256", { modulusLength: 2048 });
    const token = await new SignJWT(fresh).setProtectedHeader({ alg: "RS256", kid: "k1" }).sign(privateKey);
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", use: "sig" };
    const pem = await createEmbeddingProvider(owner, { projectId: t.projectA, name: "PEM", type: "custom-jwt", algorithm: "RS256", keySource: "pem", pem: await exportSPKI(publicKey) });
    expect(await checkEmbeddingToken(owner, { projectId: t.projectA, token })).toMatchObject({ ok: true, providerName: "PEM" });
    await deleteEmbeddingProvider(owner, { projectId: t.projectA, providerId: pem.id, version: pem.version, confirmName: "PEM" });

    await createEmbeddingProvider(owner, { projectId: t.projectA, name: "Pasted", type: "custom-jwt", algorithm: "RS256", keySource: "jwk", jwk: JSON.stringify({ keys: [jwk] }) });
    expect(await checkEmbeddingToken(owner, { projectId: t.projectA, token })).toMatchObject({ ok: true, providerName: "Pasted" });

    const { url, state } = await jwksServer(() => JSON.stringify({ keys: [jwk] }));
    const byUrl = await createEmbeddingProvider(owner, { projectId: t.projectA2, name: "IdP", type: "custom-jwt", algorithm: "RS256", keySource: "jwks-url", jwksUrl: url });
    expect(byUrl.summary).toContain(url);
    expect(state.hits).toBe(1); // fetched (and checked) when saved
    // The keys checked at save are the cached ones: verification fetches nothing more for now.
    expect(await checkEmbeddingToken(owner, { projectId: t.projectA2, token })).toMatchObject({ ok: true, providerName: "IdP" });
    expect(await checkEmbeddingToken(owner, { projectId: t.projectA2, token })).toMatchObject({ ok: true });
    expect(state.hits).toBe(1);
  });

  it("a JWKS URL's keys are cached; when the issuer rotates its key, a token with the new key is accepted once the cache may be refreshed", async () => {
    const oldPair = await generateKeyPair("RS256", { modulusLength: 2048 });
    const newPair = await generateKeyPair("RS256", { modulusLength: 2048 });
    let published = [{ ...(await exportJWK(oldPair.publicKey)), kid: "old" }];
    const { url, state } = await jwksServer(() => JSON.stringify({ keys: published }));
    await createEmbeddingProvider(owner, { projectId: t.projectA, name: "IdP", type: "custom-jwt", algorithm: "RS256", keySource: "jwks-url", jwksUrl: url });
    const signed = (key: CryptoKey, kid: string) => new SignJWT(fresh).setProtectedHeader({ alg: "RS256", kid }).sign(key);
    const check = async (token: string) => checkEmbeddingToken(owner, { projectId: t.projectA, token });
    expect(await check(await signed(oldPair.privateKey, "old"))).toMatchObject({ ok: true });
    published = [{ ...(await exportJWK(newPair.publicKey)), kid: "new" }];
    const rotated = await signed(newPair.privateKey, "new");
    // Within a minute of the last fetch, an unknown key does not make Gatehouse fetch again.
    expect(await check(rotated)).toMatchObject({ ok: false, code: EMBED_ERROR.NO_MATCHING_PROVIDER });
    expect(state.hits).toBe(1);
    clock.advance(61_000);
    expect(await check(rotated)).toMatchObject({ ok: true, providerName: "IdP" });
    expect(state.hits).toBe(2);
    // The old key is gone from the issuer, and so from Gatehouse.
    expect(await check(await signed(oldPair.privateKey, "old"))).toMatchObject({ ok: false, code: EMBED_ERROR.NO_MATCHING_PROVIDER });
  });

  it("keys are checked when saved: which field, what is wrong; nothing is stored", async () => {
    const base = { projectId: t.projectA, name: "P", type: "custom-jwt" };
    const refused = async (input: Record<string, unknown>, fieldName: string) => {
      const err = await failureOf(createEmbeddingProvider(owner, { ...base, ...input }));
      expect(err, JSON.stringify(input)).toMatchObject({ code: "VALIDATION", fieldErrors: { [fieldName]: expect.any(Array) } });
    };
    await refused({ algorithm: "HS256", secret: "short" }, "secret");
    await refused({ algorithm: "HS256" }, "secret");
    await refused({ algorithm: "RS256", keySource: "pem", pem: "not a pem" }, "pem");
    const { privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
    await refused({ algorithm: "RS256", keySource: "jwk", jwk: JSON.stringify(await exportJWK(privateKey)) }, "jwk");
    await refused({ algorithm: "RS256", keySource: "jwks-url", jwksUrl: "http://example.com/jwks.json" }, "jwksUrl");
    await refused({ algorithm: "RS256", keySource: "jwks-url", jwksUrl: "https://10.0.0.8/jwks.json" }, "jwksUrl");
    await refused({ algorithm: "RS256" }, "keySource");
    await refused({ type: "google", clientId: "not-a-client-id" }, "clientId");
    await refused({ type: "google" }, "clientId");
    expect(await rt.store.embedding.listProviders(t.projectA)).toHaveLength(0);
    await createEmbeddingProvider(owner, { ...base, name: "Dup", algorithm: "HS256", secret: SECRET });
    expect(await failureOf(createEmbeddingProvider(owner, { ...base, name: "dup", algorithm: "HS256", secret: SECRET }))).toMatchObject({ code: "CONFLICT", fieldErrors: { name: expect.any(Array) } });
  });

  it("edit keeps the stored secret when left blank, and takes a new one; a stale version is refused", async () => {
    const p = await createEmbeddingProvider(owner, { projectId: t.projectA, name: "Shop", type: "custom-jwt", algorithm: "HS256", secret: SECRET });
    const edited = await updateEmbeddingProvider(owner, { projectId: t.projectA, providerId: p.id, version: p.version, name: "Shop 2", type: "custom-jwt", algorithm: "HS256", audience: "web" });
    expect(edited).toMatchObject({ name: "Shop 2", audience: "web", hasSecret: true, version: 2 });
    expect(await checkEmbeddingToken(owner, { projectId: t.projectA, token: await hsToken({ ...fresh, aud: "web" }) })).toMatchObject({ ok: true });
    const other = "a-completely-different-secret-0123456789";
    await updateEmbeddingProvider(owner, { projectId: t.projectA, providerId: p.id, version: 2, name: "Shop 2", type: "custom-jwt", algorithm: "HS256", secret: other });
    expect(await checkEmbeddingToken(owner, { projectId: t.projectA, token: await hsToken(fresh) })).toMatchObject({ ok: false, code: EMBED_ERROR.NO_MATCHING_PROVIDER });
    expect(await checkEmbeddingToken(owner, { projectId: t.projectA, token: await hsToken(fresh, other) })).toMatchObject({ ok: true });
    expect(await failureOf(updateEmbeddingProvider(owner, { projectId: t.projectA, providerId: p.id, version: 1, name: "x", type: "google", clientId: "1-a.apps.googleusercontent.com" }))).toMatchObject({ code: "STALE" });
    // Switching to Google drops the secret.
    const g = await updateEmbeddingProvider(owner, { projectId: t.projectA, providerId: p.id, version: 3, name: "Google", type: "google", clientId: "1234-abc.apps.googleusercontent.com" });
    expect(g).toMatchObject({ typeLabel: "Google", clientId: "1234-abc.apps.googleusercontent.com", hasSecret: false });
  });

  it("only Project Owners (and Organization Owners) see or change Authentication Settings: every use case, every other role, other tenants — 404", async () => {
    const p = await createEmbeddingProvider(owner, { projectId: t.projectA, name: "Shop", type: "custom-jwt", algorithm: "HS256", secret: SECRET });
    await generateEmbeddingKey(owner, { projectId: t.projectA });
    const dbAdmin = await seedUser(rt, { email: "dba@example.com", name: "Dee Admin" });
    await grantOrg(rt, t.orgA, dbAdmin.id, ["ORG_MEMBER"]);
    await grantProject(rt, t.projectA, dbAdmin.id, ["GROUP_DATABASE_ACCESS_ADMIN"]);
    const orgReader = await seedUser(rt, { email: "auditor@example.com", name: "Ann Auditor" });
    await grantOrg(rt, t.orgA, orgReader.id, ["ORG_READ_ONLY"]);
    const denied = {
      "Project Read Only": await ctxFor(rt, t.readOnly.id),
      "Project Database Access Admin": await ctxFor(rt, dbAdmin.id),
      "Organization Read Only": await ctxFor(rt, orgReader.id),
      "Organization Member without a project role": await ctxFor(rt, t.member.id),
      "another organization's owner": await ctxFor(rt, t.ownerB.id),
    };
    const edit = { projectId: t.projectA, providerId: p.id, version: p.version, name: "Mine", type: "custom-jwt", algorithm: "HS256", secret: SECRET };
    const useCases: Record<string, (ctx: AuthedCtx) => Promise<unknown>> = {
      list: (ctx) => listEmbeddingProviders(ctx, t.projectA),
      create: (ctx) => createEmbeddingProvider(ctx, { ...edit, name: "Theirs" }),
      update: (ctx) => updateEmbeddingProvider(ctx, edit),
      delete: (ctx) => deleteEmbeddingProvider(ctx, { projectId: t.projectA, providerId: p.id, version: p.version, confirmName: "Shop" }),
      "check a token": (ctx) => checkEmbeddingToken(ctx, { projectId: t.projectA, token: "x" }),
      "key info": (ctx) => getEmbeddingKeyInfo(ctx, t.projectA),
      "generate a key": (ctx) => generateEmbeddingKey(ctx, { projectId: t.projectA }),
      "check a signed URL": (ctx) => checkSignedUrl(ctx, { projectId: t.projectA, url: "id=1&timestamp=1&signature=00" }),
    };
    for (const [who, ctx] of Object.entries(denied)) {
      for (const [what, run] of Object.entries(useCases)) expect(await failureOf(run(ctx)), `${who}: ${what}`).toMatchObject({ code: "NOT_FOUND" });
    }
    // Nothing changed: the provider and the key are as the owner left them.
    expect(await rt.store.embedding.listProviders(t.projectA)).toMatchObject([{ name: "Shop", version: 1 }]);
    // The Embedding page itself is for everyone in the project; the settings are not.
    expect(await getEmbeddingPage(denied["Project Read Only"], t.projectA)).toEqual({ canManage: false });
    expect(await getEmbeddingPage(owner, t.projectA)).toEqual({ canManage: true });
    expect(await failureOf(getEmbeddingPage(denied["another organization's owner"], t.projectA))).toMatchObject({ code: "NOT_FOUND" });
    // A Project Owner (without organization ownership) may; another project's provider id is not found here.
    await grantProject(rt, t.projectA, t.member.id, ["GROUP_OWNER"]);
    const projectOwner = await ctxFor(rt, t.member.id);
    await createEmbeddingProvider(projectOwner, { ...edit, name: "Second" });
    const inB = await createEmbeddingProvider(denied["another organization's owner"], { ...edit, projectId: t.projectB });
    expect(await failureOf(deleteEmbeddingProvider(owner, { projectId: t.projectA, providerId: inB.id, version: 1, confirmName: "Mine" }))).toMatchObject({ code: "NOT_FOUND" });
    expect((await auditTrail(rt)).filter((e) => e.action === "authz.denied").length).toBeGreaterThan(0);
  });

  it("switching a provider's type: no secret carried over where none belongs, a secret required where one does; a failed update changes nothing", async () => {
    const p = await createEmbeddingProvider(owner, { projectId: t.projectA, name: "Shop", type: "custom-jwt", algorithm: "HS256", secret: SECRET });
    await createEmbeddingProvider(owner, { projectId: t.projectA, name: "Other", type: "google", clientId: "1-a.apps.googleusercontent.com" });
    const { publicKey } = await generateKeyPair("RS256", { modulusLength: 2048 });
    const pem = await exportSPKI(publicKey);
    const rs = await updateEmbeddingProvider(owner, { projectId: t.projectA, providerId: p.id, version: 1, name: "Shop", type: "custom-jwt", algorithm: "RS256", keySource: "pem", pem });
    expect(rs).toMatchObject({ algorithm: "RS256", keySource: "pem", hasSecret: false });
    expect((await rt.store.embedding.getProvider(p.id))!.sealedSecret).toBeNull();
    const before = await rt.store.embedding.getProvider(p.id);
    // Back to HS256 with the secret left blank: there is none to keep.
    expect(await failureOf(updateEmbeddingProvider(owner, { projectId: t.projectA, providerId: p.id, version: 2, name: "Shop", type: "custom-jwt", algorithm: "HS256" }))).toMatchObject({ code: "VALIDATION", fieldErrors: { secret: expect.any(Array) } });
    // Renamed onto another provider's name.
    expect(await failureOf(updateEmbeddingProvider(owner, { projectId: t.projectA, providerId: p.id, version: 2, name: "other", type: "custom-jwt", algorithm: "RS256", keySource: "pem", pem }))).toMatchObject({ code: "CONFLICT", fieldErrors: { name: expect.any(Array) } });
    expect(await rt.store.embedding.getProvider(p.id)).toEqual(before);
    // A secret is kept byte for byte: surrounding spaces are part of it.
    const spaced = `  ${SECRET}  `;
    await updateEmbeddingProvider(owner, { projectId: t.projectA, providerId: p.id, version: 2, name: "Shop", type: "custom-jwt", algorithm: "HS256", secret: spaced });
    expect(await checkEmbeddingToken(owner, { projectId: t.projectA, token: await hsToken(fresh, spaced) })).toMatchObject({ ok: true, providerName: "Shop" });
  });
});

describe("Embedding key (Verified Signature mode)", () => {
  it("generated and shown once, sealed at rest; a new key invalidates URLs signed with the old one", async () => {
    expect(await getEmbeddingKeyInfo(owner, t.projectA)).toBeNull();
    const first = await generateEmbeddingKey(owner, { projectId: t.projectA });
    expect(first.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.replaced).toBe(false);
    expect(JSON.stringify(await getEmbeddingKeyInfo(owner, t.projectA))).not.toContain(first.key);
    expect(JSON.stringify(await rt.store.embedding.getKey(t.projectA))).not.toContain(first.key);
    expect(JSON.stringify(await auditTrail(rt))).not.toContain(first.key);

    const url = (key: string) => `https://charts.example.com/embed/charts?${signEmbedQuery(key, { id: "chart-1", timestamp: nowS - 10, expiresIn: 300 })}`;
    const check = (u: string) => checkSignedUrl(owner, { projectId: t.projectA, url: u });
    expect(await check(url(first.key))).toMatchObject({ ok: true, id: "chart-1", expiresIn: 300 });
    const second = await generateEmbeddingKey(owner, { projectId: t.projectA });
    expect(second.replaced).toBe(true);
    expect(await check(url(first.key))).toMatchObject({ ok: false, code: EMBED_ERROR.INVALID_SIGNATURE });
    expect(await check(url(second.key))).toMatchObject({ ok: true });
    clock.advance(301_000);
    expect(await check(url(second.key))).toMatchObject({ ok: false, code: EMBED_ERROR.INVALID_SIGNATURE });
    const generated = (await auditTrail(rt)).filter((e) => e.action === "embedding.key_generated");
    expect(generated.map((e) => e.detail)).toEqual([{ keyId: first.id }, { keyId: second.id, replacedKeyId: first.id }]);
  });
});
