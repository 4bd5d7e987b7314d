import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { DigestAlgorithm } from "./algorithm";
import type { DigestCredential } from "./credential";
import { issueNonce } from "./nonce";
import { digestHa1, digestResponse } from "./response";
import { DigestReplayCache } from "./replay";
import { replayWindowMs, verifyDigest, type VerifyDigestInput } from "./verify";

const nonceKey = Buffer.alloc(32, 9);
const realm = "MMS Public API";
const t0 = new Date("2025-03-01T12:00:00.000Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const PUBLIC = "abcdefgh";
const PRIVATE = "0f9c3a52-8d3e-4c3b-9b1a-3c2f7d6e5a41";
const URI = "/api/atlas/v2/groups?pageNum=1";

type Client = { username?: string; password?: string; method?: string; uri?: string; nonce?: string; algorithm?: DigestAlgorithm; nc?: string; realm?: string; extra?: string; omit?: string[] };

/** An Authorization header the way Go's mongodb-forks/digest writes it. */
function client(c: Client = {}): string {
  const nonce = c.nonce ?? issueNonce({ key: nonceKey, now: t0 });
  const algorithm = c.algorithm ?? "MD5";
  const [username, r, uri, nc, cnonce] = [c.username ?? PUBLIC, c.realm ?? realm, c.uri ?? URI, c.nc ?? "00000001", "3f6d4a1c0b2e9d8a"];
  const ha1 = digestHa1(algorithm, username, r, c.password ?? PRIVATE);
  const response = digestResponse({ algorithm, ha1, method: c.method ?? "GET", uri, nonce, nc, cnonce });
  const parts = [`username="${username}"`, `realm="${r}"`, `nonce="${nonce}"`, `uri="${uri}"`, `response="${response}"`, `algorithm="${algorithm}"`, "qop=auth", `nc=${nc}`, `cnonce="${cnonce}"`];
  const kept = parts.filter((p) => !c.omit?.includes(p.split("=")[0]!));
  return `Digest ${[...kept, ...(c.extra ? [c.extra] : [])].join(", ")}`;
}

const keys: Record<string, DigestCredential> = { [PUBLIC]: { secret: PRIVATE } };
function verify(header: string | undefined, over: Partial<VerifyDigestInput> = {}) {
  const looked: string[] = [];
  const lookup = async (u: string) => (looked.push(u), keys[u] ?? null);
  return verifyDigest({ header, method: "GET", uri: URI, realm, nonceKey, now: t0, lookup, ...over }).then((r) => ({ ...r, looked }));
}

describe("verifyDigest: accepted", () => {
  it("MD5 as Go's client sends it", async () => {
    expect(await verify(client())).toEqual({ ok: true, username: PUBLIC, algorithm: "MD5", looked: [PUBLIC] });
  });

  it("SHA-256", async () => {
    expect(await verify(client({ algorithm: "SHA-256" }))).toMatchObject({ ok: true, algorithm: "SHA-256" });
  });

  it("no algorithm parameter means MD5 (urllib)", async () => {
    expect(await verify(client({ omit: ["algorithm"] }))).toMatchObject({ ok: true, algorithm: "MD5" });
  });

  it("any nc, repeated or out of order: no per-nonce sequencing (urllib counts per process)", async () => {
    const nonce = issueNonce({ key: nonceKey, now: t0 });
    for (const nc of ["00000007", "00000001", "0000abcd", "100000000"]) expect((await verify(client({ nonce, nc }))).ok).toBe(true);
  });

  it("a POST, hashed with its method", async () => {
    expect((await verify(client({ method: "POST" }), { method: "POST" })).ok).toBe(true);
  });

  it("the absolute-URI form of the uri parameter", async () => {
    expect((await verify(client({ uri: `http://127.0.0.1:8080${URI}` }))).ok).toBe(true);
  });

  it("stored HA1 values, hex or raw, instead of the secret", async () => {
    const md5 = digestHa1("MD5", PUBLIC, realm, PRIVATE);
    const sha = digestHa1("SHA-256", PUBLIC, realm, PRIVATE);
    const lookup = async () => ({ ha1Md5: md5.toUpperCase(), ha1Sha256: Buffer.from(sha, "hex") });
    expect((await verify(client(), { lookup })).ok).toBe(true);
    expect((await verify(client({ algorithm: "SHA-256" }), { lookup })).ok).toBe(true);
    expect(await verify(client({ algorithm: "SHA-256" }), { lookup: async () => ({ ha1Md5: md5 }) })).toMatchObject({ ok: false, code: "UNSUPPORTED_ALGORITHM" });
    await expect(verify(client(), { lookup: async () => ({ ha1Md5: "abc" }) })).rejects.toThrow(TypeError);
  });

  it("username*=UTF-8''… (RFC 7616 §3.4.4), decoded before lookup and hashing", async () => {
    const name = "Jäsøn Doe";
    const header = client({ username: name }).replace(`username="${name}"`, "username*=UTF-8''J%C3%A4s%C3%B8n%20Doe");
    expect(await verify(header, { lookup: async (u) => (u === name ? { secret: PRIVATE } : null) })).toMatchObject({ ok: true, username: name });
  });
});

describe("verifyDigest: refused", () => {
  it("no header, or another scheme → MISSING", async () => {
    expect(await verify(undefined)).toMatchObject({ ok: false, code: "MISSING", stale: false, looked: [] });
    expect(await verify("Basic YWJjOmRlZg==")).toMatchObject({ ok: false, code: "MISSING" });
  });

  it.each([
    ["unparseable", 'Digest username="a'],
    ["duplicate parameter", `${client()}, nc=00000002`],
    ["no response", client({ omit: ["response"] })],
    ["no nonce", client({ omit: ["nonce"] })],
    ["no uri", client({ omit: ["uri"] })],
    ["no realm", client({ omit: ["realm"] })],
    ["no username", client({ omit: ["username"] })],
    ["no cnonce", client({ omit: ["cnonce"] })],
    ["no nc", client({ omit: ["nc"] })],
    ["an nc that is not hex", client({ nc: "0000000z" })],
    ["username and username*", `${client()}, username*=UTF-8''abcdefgh`],
    ["username* in another charset", client({ omit: ["username"], extra: "username*=ISO-8859-1''J%E4" })],
    ["username* with invalid UTF-8", client({ omit: ["username"], extra: "username*=UTF-8''%C3%28" })],
    ["userhash=true", client({ extra: "userhash=true" })],
  ])("%s → MALFORMED", async (_, header) => {
    expect(await verify(header)).toMatchObject({ ok: false, code: "MALFORMED", stale: false, looked: [] });
  });

  it("a wrong private key → BAD_RESPONSE, naming the key for the audit trail", async () => {
    expect(await verify(client({ password: "wrong" }))).toEqual({ ok: false, code: "BAD_RESPONSE", stale: false, username: PUBLIC, looked: [PUBLIC] });
  });

  it("a response made for another method, realm or a garbled response → BAD_RESPONSE", async () => {
    expect(await verify(client({ method: "GET" }), { method: "DELETE" })).toMatchObject({ code: "BAD_RESPONSE" });
    expect(await verify(client({ realm: "Other" }))).toMatchObject({ code: "BAD_RESPONSE", looked: [] });
    const good = client();
    expect(await verify(good.replace(/response="([0-9a-f]+)"/, (_, r: string) => `response="${r.slice(0, -1)}g"`))).toMatchObject({ code: "BAD_RESPONSE" });
    expect(await verify(good.replace(/response="([0-9a-f]+)"/, (_, r: string) => `response="${r}00"`))).toMatchObject({ code: "BAD_RESPONSE" });
    expect((await verify(good.replace(/response="([0-9a-f]+)"/, (_, r: string) => `response="${r.toUpperCase()}"`))).ok).toBe(true);
  });

  it("an unknown public key → UNKNOWN_USER", async () => {
    expect(await verify(client({ username: "zzzzzzzz" }))).toMatchObject({ ok: false, code: "UNKNOWN_USER", username: "zzzzzzzz" });
  });

  it("a response for another URL → URI_MISMATCH, before any lookup", async () => {
    expect(await verify(client({ uri: "/api/atlas/v2/orgs" }))).toMatchObject({ code: "URI_MISMATCH", looked: [] });
    expect(await verify(client({ uri: "/api/atlas/v2/groups?pageNum=2" }))).toMatchObject({ code: "URI_MISMATCH" });
  });

  it("-sess and unknown algorithms → UNSUPPORTED_ALGORITHM", async () => {
    for (const alg of ["MD5-sess", "SHA-256-sess", "SHA-512-256"]) {
      expect(await verify(client().replace('algorithm="MD5"', `algorithm=${alg}`))).toMatchObject({ code: "UNSUPPORTED_ALGORITHM" });
    }
  });

  it("auth-int or no qop (RFC 2069) → UNSUPPORTED_QOP", async () => {
    expect(await verify(client().replace("qop=auth", "qop=auth-int"))).toMatchObject({ code: "UNSUPPORTED_QOP" });
    expect(await verify(client({ omit: ["qop"] }))).toMatchObject({ code: "UNSUPPORTED_QOP" });
  });

  it("a nonce we did not sign, or cannot read → NONCE_FORGED, never stale, no lookup", async () => {
    const forged = issueNonce({ key: randomBytes(32), now: t0 });
    expect(await verify(client({ nonce: forged }))).toEqual({ ok: false, code: "NONCE_FORGED", stale: false, username: PUBLIC, looked: [] });
    expect(await verify(client({ nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v" }))).toMatchObject({ code: "NONCE_FORGED", stale: false });
  });
});

describe("verifyDigest: replays", () => {
  it("with a replay cache, the same request is accepted once; the next request on that nonce (nc 2) is fine", async () => {
    const replayCache = new DigestReplayCache({ ttlMs: replayWindowMs(300_000) });
    const nonce = issueNonce({ key: nonceKey, now: t0 });
    const first = client({ nonce });
    expect((await verify(first, { replayCache })).ok).toBe(true);
    expect(await verify(first, { replayCache, now: at(1_000) })).toMatchObject({ ok: false, code: "REPLAYED", stale: false, username: PUBLIC });
    expect((await verify(client({ nonce, nc: "00000002" }), { replayCache, now: at(2_000) })).ok).toBe(true);
    // Once the nonce has expired, the old request is merely stale, as without the cache.
    expect(await verify(first, { replayCache, now: at(300_001) })).toMatchObject({ ok: false, code: "NONCE_EXPIRED", stale: true });
  });

  it("remembers only correct responses: wrong keys and forged nonces cannot fill the cache", async () => {
    const replayCache = new DigestReplayCache({ ttlMs: 360_000 });
    await verify(client({ password: "wrong" }), { replayCache });
    await verify(client({ nonce: issueNonce({ key: randomBytes(32), now: t0 }) }), { replayCache });
    expect(replayCache.size).toBe(0);
  });
});

describe("verifyDigest: nonce lifetime", () => {
  it("without a replay cache, a repeat works within the TTL and is stale after it", async () => {
    const header = client();
    expect((await verify(header, { now: at(60_000) })).ok).toBe(true);
    expect((await verify(header, { now: at(300_000) })).ok).toBe(true);
    expect(await verify(header, { now: at(300_001) })).toEqual({ ok: false, code: "NONCE_EXPIRED", stale: true, username: PUBLIC, looked: [PUBLIC] });
  });

  it("honours a configured TTL", async () => {
    expect(await verify(client(), { now: at(10_001), nonceTtlMs: 10_000 })).toMatchObject({ code: "NONCE_EXPIRED", stale: true });
  });

  it("an expired nonce with a wrong key is BAD_RESPONSE, not stale: stale is only for a client that knows the key", async () => {
    expect(await verify(client({ password: "wrong" }), { now: at(3_600_000) })).toMatchObject({ code: "BAD_RESPONSE", stale: false });
  });
});
