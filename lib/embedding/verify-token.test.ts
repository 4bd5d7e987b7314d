import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CompactSign, exportJWK, exportSPKI, generateKeyPair, importPKCS8, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMBED_ERROR } from "./codes";
import { hs256Secret, rs256FromJwkText, rs256FromPem } from "./keys";
import { verifyEmbeddingToken, type KeyResolver, type TokenProvider, type TokenVerdict, type VerifyKey } from "./verify-token";

// A fixed clock: nothing here depends on wall time.
const NOW = new Date("2024-05-01T12:00:00Z");
const nowS = Math.floor(NOW.getTime() / 1000);

const SECRET = "s3cr3t-that-is-long-enough-for-hs256-0123456789";
const OTHER_SECRET = "another-secret-that-is-also-long-enough-abcdefgh";
const GOOGLE_CLIENT_ID = "1234567890-abcdefg.apps.googleusercontent.com";

const hsProvider = (over: Partial<{ id: string; name: string; audience: string | null }> = {}): TokenProvider => ({
  id: over.id ?? "hs",
  name: over.name ?? "Our HS256 issuer",
  type: "custom-jwt",
  algorithm: "HS256",
  audience: over.audience === undefined ? null : over.audience,
});
const rsProvider = (over: Partial<{ id: string; name: string; audience: string | null }> = {}): TokenProvider => ({
  id: over.id ?? "rs",
  name: over.name ?? "Our RS256 issuer",
  type: "custom-jwt",
  algorithm: "RS256",
  audience: over.audience === undefined ? null : over.audience,
});
const googleProvider: TokenProvider = { id: "g", name: "Google sign-in", type: "google", clientId: GOOGLE_CLIENT_ID };

/** A resolver answering per provider id, recording every call. */
function resolver(keys: Record<string, VerifyKey[] | (() => never)>): KeyResolver & { calls: string[] } {
  const calls: string[] = [];
  const fn = (async (p: TokenProvider) => {
    calls.push(p.id);
    const k = keys[p.id];
    if (typeof k === "function") return k();
    if (!k) throw new Error(`test resolver: no keys for ${p.id}`);
    return k;
  }) as KeyResolver & { calls: string[] };
  fn.calls = calls;
  return fn;
}

const enc = (o: unknown) => new TextEncoder().encode(typeof o === "string" ? o : JSON.stringify(o));
const b64url = (o: unknown) => Buffer.from(typeof o === "string" ? o : JSON.stringify(o)).toString("base64url");

async function hs256(claims: Record<string, unknown>, secret = SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(secret));
}
async function rs256(claims: Record<string, unknown>, privateKey: CryptoKey, kid?: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", typ: "JWT", ...(kid ? { kid } : {}) }).sign(privateKey);
}
/** Claims that pass every time rule at NOW. */
const fresh = (extra: Record<string, unknown> = {}) => ({ sub: "user-1", iat: nowS - 60, exp: nowS + 3600, ...extra });

function refused(v: TokenVerdict): Extract<TokenVerdict, { ok: false }> {
  if (v.ok) throw new Error(`expected a refusal, got acceptance by ${v.providerId}`);
  return v;
}
function accepted(v: TokenVerdict): Extract<TokenVerdict, { ok: true }> {
  if (!v.ok) throw new Error(`expected acceptance, got code ${v.code}: ${v.message}`);
  return v;
}

const verify = (token: string | null | undefined, providers: TokenProvider[], resolveKeys: KeyResolver, now = NOW) => verifyEmbeddingToken(token, providers, { now, resolveKeys });

const hsKeys = () => resolver({ hs: [hs256Secret(SECRET)] });

describe("verifyEmbeddingToken: syntax and algorithm, before any provider", () => {
  it("asks for a token when it is empty or absent (3)", async () => {
    const r = hsKeys();
    for (const t of ["", "   ", null, undefined]) expect(refused(await verify(t, [hsProvider()], r)).code).toBe(EMBED_ERROR.TOKEN_REQUIRED);
    expect(r.calls).toEqual([]);
  });

  it("refuses garbage as an invalid JWT (9) without asking for keys", async () => {
    const r = hsKeys();
    const garbage = [
      "not-a-jwt",
      "a.b",
      "a.b.c.d",
      "abc.def.ghi", // three base64url parts, but the header is not JSON
      `${b64url("[1,2]")}.${b64url({})}.c2ln`, // header is JSON, but not an object
      "eyJhbGciOiJIUzI1NiJ9.e30.", // no signature part
      "eyJhbGciOiJIUzI1NiJ9.e30.sig+nat/ure=",
      "{\"alg\":\"HS256\"}.{}.sig",
    ];
    for (const t of garbage) expect(refused(await verify(t, [hsProvider()], r)).code, t).toBe(EMBED_ERROR.INVALID_JWT);
    expect(r.calls).toEqual([]);
  });

  it("refuses alg none, HS512 and ES256 (9) before any provider — even when none is configured", async () => {
    const unsecured = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(fresh())}.`;
    const unsecuredWithJunkSig = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(fresh())}.AAAA`;
    const noAlg = `${b64url({ typ: "JWT" })}.${b64url(fresh())}.AAAA`;
    const hs512 = await new SignJWT(fresh()).setProtectedHeader({ alg: "HS512" }).sign(new TextEncoder().encode(SECRET + SECRET));
    const es = await generateKeyPair("ES256");
    const es256 = await new SignJWT(fresh()).setProtectedHeader({ alg: "ES256" }).sign(es.privateKey);
    const r = resolver({ hs: [hs256Secret(SECRET)], rs: [es.publicKey] });
    for (const t of [unsecured, unsecuredWithJunkSig, noAlg, hs512, es256]) {
      expect(refused(await verify(t, [hsProvider(), rsProvider()], r)).code).toBe(EMBED_ERROR.INVALID_JWT);
      // The algorithm is judged before "no providers": 9, not 11.
      expect(refused(await verify(t, [], r)).code).toBe(EMBED_ERROR.INVALID_JWT);
    }
    expect(r.calls).toEqual([]);
  });

  it("says no provider is configured (11) for a well-formed HS256/RS256 token and no providers", async () => {
    const r = hsKeys();
    const v = refused(await verify(await hs256(fresh()), [], r));
    expect(v.code).toBe(EMBED_ERROR.NO_PROVIDERS);
    expect(v.attempts).toEqual([]);
    expect(r.calls).toEqual([]);
  });

  it("refuses a correctly signed token whose payload is not a JSON object (9)", async () => {
    const key = new TextEncoder().encode(SECRET);
    for (const payload of ["[1,2,3]", "\"a string\"", "42", "not json at all"]) {
      const t = await new CompactSign(enc(payload)).setProtectedHeader({ alg: "HS256" }).sign(key);
      expect(refused(await verify(t, [hsProvider()], hsKeys())).code, payload).toBe(EMBED_ERROR.INVALID_JWT);
    }
  });
});

describe("verifyEmbeddingToken: Custom JWT time rules", () => {
  const run = async (claims: Record<string, unknown>) => verify(await hs256(claims), [hsProvider()], hsKeys());

  it("accepts a fresh HS256 token signed with the provider's secret, returning its claims", async () => {
    const v = accepted(await run(fresh({ name: "Ada" })));
    expect(v.providerId).toBe("hs");
    expect(v.providerName).toBe("Our HS256 issuer");
    expect(v.claims).toMatchObject({ sub: "user-1", name: "Ada", iat: nowS - 60, exp: nowS + 3600 });
  });

  it("refuses a token without exp (13)", async () => {
    expect(refused(await run({ sub: "u", iat: nowS - 60 })).code).toBe(EMBED_ERROR.NO_EXPIRY);
  });

  it("refuses an expired token (14), including one expiring exactly now, and accepts one expiring a second later", async () => {
    expect(refused(await run({ iat: nowS - 7200, exp: nowS - 3600 })).code).toBe(EMBED_ERROR.EXPIRED);
    expect(refused(await run({ iat: nowS - 7200, exp: nowS - 1 })).code).toBe(EMBED_ERROR.EXPIRED);
    expect(refused(await run({ iat: nowS - 7200, exp: nowS })).code).toBe(EMBED_ERROR.EXPIRED);
    expect(accepted(await run({ iat: nowS - 7200, exp: nowS + 1 })).providerId).toBe("hs");
  });

  it("judges time against the `now` it is given, not the wall clock", async () => {
    const t = await hs256({ iat: nowS - 60, exp: nowS + 3600 });
    expect((await verify(t, [hsProvider()], hsKeys(), new Date((nowS + 3599) * 1000))).ok).toBe(true);
    expect(refused(await verify(t, [hsProvider()], hsKeys(), new Date((nowS + 3600) * 1000))).code).toBe(EMBED_ERROR.EXPIRED);
  });

  it("refuses a token issued more than 5 minutes in the future (12) but tolerates up to 5 minutes of issuer clock skew", async () => {
    expect(refused(await run({ iat: nowS + 301, exp: nowS + 3600 })).code).toBe(EMBED_ERROR.ISSUED_IN_FUTURE);
    expect(refused(await run({ iat: nowS + 3600, exp: nowS + 7200 })).code).toBe(EMBED_ERROR.ISSUED_IN_FUTURE);
    expect((await run({ iat: nowS + 300, exp: nowS + 3600 })).ok).toBe(true);
    expect((await run({ iat: nowS + 120, exp: nowS + 3600 })).ok).toBe(true);
  });

  it("refuses a lifetime (exp − iat) over 24 hours (15) and accepts exactly 24 hours", async () => {
    const iat = nowS - 100;
    expect((await run({ iat, exp: iat + 24 * 3600 })).ok).toBe(true);
    expect(refused(await run({ iat, exp: iat + 24 * 3600 + 1 })).code).toBe(EMBED_ERROR.LIFETIME_TOO_LONG);
    // Charts' own example of a token refused for a lifetime of about a year (numbers, not strings).
    const charts = new Date((1587497399 + 60) * 1000);
    const year = await hs256({ iat: 1587497399, exp: 1617305399 });
    expect(refused(await verify(year, [hsProvider()], hsKeys(), charts)).code).toBe(EMBED_ERROR.LIFETIME_TOO_LONG);
  });

  it("refuses exp or iat that are not NumericDates, and a missing iat, as invalid JWTs (9)", async () => {
    expect(refused(await run({ iat: nowS - 60, exp: String(nowS + 3600) })).code).toBe(EMBED_ERROR.INVALID_JWT);
    expect(refused(await run({ iat: String(nowS - 60), exp: nowS + 3600 })).code).toBe(EMBED_ERROR.INVALID_JWT);
    expect(refused(await run({ exp: nowS + 3600 })).code).toBe(EMBED_ERROR.INVALID_JWT);
  });
});

describe("verifyEmbeddingToken: audience", () => {
  const AUD = "https://charts.example.com";
  const run = async (claims: Record<string, unknown>, audience: string | null) => verify(await hs256(claims), [hsProvider({ audience })], hsKeys());

  it("accepts aud equal to the configured audience, as a string or inside an array", async () => {
    expect((await run(fresh({ aud: AUD }), AUD)).ok).toBe(true);
    expect((await run(fresh({ aud: ["other", AUD] }), AUD)).ok).toBe(true);
  });

  it("refuses (16) an aud that does not match, a missing aud, and an array without it — naming the audience", async () => {
    for (const aud of ["https://charts.example.org", AUD.toUpperCase(), `${AUD}/`, ["a", "b"], [], undefined]) {
      const v = refused(await run(fresh(aud === undefined ? {} : { aud }), AUD));
      expect(v.code, JSON.stringify(aud)).toBe(EMBED_ERROR.AUDIENCE_MISMATCH);
      expect(v.message).toContain(AUD);
    }
  });

  it("accepts any aud (or none) when the provider configures no audience", async () => {
    for (const aud of ["anything", ["x", "y"], undefined]) expect((await run(fresh(aud === undefined ? {} : { aud }), null)).ok).toBe(true);
  });

  it("applies the time rules as well as the audience", async () => {
    expect(refused(await run({ aud: AUD, iat: nowS - 7200, exp: nowS - 10 }, AUD)).code).toBe(EMBED_ERROR.EXPIRED);
  });
});

describe("verifyEmbeddingToken: HS256 and RS256 keys", () => {
  let dir: string;
  let opensslPrivate: CryptoKey;
  let publicPem: string;
  let pkcs1Pem: string;
  let certPrivate: CryptoKey;
  let certPem: string;
  let jwkPairs: { privateKey: CryptoKey; jwk: JWK }[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-verify-token-"));
    const f = (n: string) => join(dir, n);
    execFileSync("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", f("priv.pem")], { stdio: "pipe" });
    execFileSync("openssl", ["pkey", "-in", f("priv.pem"), "-pubout", "-out", f("pub.pem")], { stdio: "pipe" });
    execFileSync("openssl", ["rsa", "-in", f("priv.pem"), "-RSAPublicKey_out", "-out", f("pkcs1.pem")], { stdio: "pipe" });
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f("cert-key.pem"), "-out", f("cert.pem"), "-subj", "/CN=gatehouse-test", "-days", "2"], { stdio: "pipe" });
    opensslPrivate = await importPKCS8(readFileSync(f("priv.pem"), "utf8"), "RS256");
    publicPem = readFileSync(f("pub.pem"), "utf8");
    pkcs1Pem = readFileSync(f("pkcs1.pem"), "utf8");
    certPrivate = await importPKCS8(readFileSync(f("cert-key.pem"), "utf8"), "RS256");
    certPem = readFileSync(f("cert.pem"), "utf8");
    jwkPairs = [];
    for (let i = 0; i < 3; i++) {
      const { privateKey, publicKey } = await generateKeyPair("RS256");
      jwkPairs.push({ privateKey, jwk: { ...(await exportJWK(publicKey)), kid: `k${i}`, use: "sig", alg: "RS256" } });
    }
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses an HS256 token signed with another secret (10), naming the provider", async () => {
    const v = refused(await verify(await hs256(fresh(), OTHER_SECRET), [hsProvider()], hsKeys()));
    expect(v.code).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
    expect(v.message).toContain("Our HS256 issuer");
    expect(v.attempts).toHaveLength(1);
    expect(v.attempts[0]).toMatchObject({ providerId: "hs", providerName: "Our HS256 issuer", code: EMBED_ERROR.NO_MATCHING_PROVIDER });
  });

  it("refuses a token whose signature was tampered with or whose claims were swapped (10)", async () => {
    const t = await hs256(fresh());
    const [h, , s] = t.split(".");
    const forged = `${h}.${b64url(fresh({ sub: "admin" }))}.${s}`;
    expect(refused(await verify(forged, [hsProvider()], hsKeys())).code).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
    const flipped = t.slice(0, -2) + (t.endsWith("AA") ? "BB" : "AA");
    expect(refused(await verify(flipped, [hsProvider()], hsKeys())).code).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
  });

  it("verifies RS256 with an openssl-made PEM public key (SPKI and PKCS#1)", async () => {
    const t = await rs256(fresh(), opensslPrivate);
    expect(accepted(await verify(t, [rsProvider()], resolver({ rs: [rs256FromPem(publicPem)] }))).providerId).toBe("rs");
    expect(accepted(await verify(t, [rsProvider()], resolver({ rs: [rs256FromPem(pkcs1Pem)] }))).providerId).toBe("rs");
    // Another key pair's public key does not verify it.
    expect(refused(await verify(t, [rsProvider()], resolver({ rs: [rs256FromPem(certPem)] }))).code).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
  });

  it("verifies RS256 with the key of an openssl-made X.509 certificate", async () => {
    const t = await rs256(fresh(), certPrivate);
    expect(accepted(await verify(t, [rsProvider()], resolver({ rs: [rs256FromPem(certPem)] }))).providerId).toBe("rs");
    expect(refused(await verify(t, [rsProvider()], resolver({ rs: [rs256FromPem(publicPem)] }))).code).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
  });

  it("verifies RS256 with a single JWK", async () => {
    const t = await rs256(fresh(), jwkPairs[0]!.privateKey);
    expect((await verify(t, [rsProvider()], resolver({ rs: rs256FromJwkText(JSON.stringify(jwkPairs[0]!.jwk)) }))).ok).toBe(true);
  });

  it("tries each key of a JWKS in turn: a token that only the 2nd key verifies passes", async () => {
    const jwks = JSON.stringify({ keys: jwkPairs.map((p) => p.jwk) });
    const keys = rs256FromJwkText(jwks);
    expect(keys).toHaveLength(3);
    // No kid in the header: the verifier cannot pick the key, it must try them.
    const t = await rs256(fresh(), jwkPairs[1]!.privateKey);
    expect((await verify(t, [rsProvider()], resolver({ rs: keys }))).ok).toBe(true);
    // And a misleading kid does not stop it either.
    const misleading = await rs256(fresh(), jwkPairs[1]!.privateKey, "k0");
    expect((await verify(misleading, [rsProvider()], resolver({ rs: keys }))).ok).toBe(true);
    // A JWKS without the signer's key refuses it.
    const without = rs256FromJwkText(JSON.stringify({ keys: [jwkPairs[0]!.jwk, jwkPairs[2]!.jwk] }));
    expect(refused(await verify(t, [rsProvider()], resolver({ rs: without }))).code).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
  });

  it("refuses (10) when the provider has no keys or its keys cannot be read", async () => {
    const t = await rs256(fresh(), opensslPrivate);
    expect(refused(await verify(t, [rsProvider()], resolver({ rs: [] }))).code).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
    const failing = resolver({
      rs: () => {
        throw new Error("jwks.example.com answered HTTP 500");
      },
    });
    expect(refused(await verify(t, [rsProvider()], failing)).code).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
  });

  it("refuses an HS256 token at an RS256 provider and an RS256 token at an HS256 provider (10)", async () => {
    const r = resolver({ hs: [hs256Secret(SECRET)], rs: [rs256FromPem(publicPem)] });
    expect(refused(await verify(await hs256(fresh()), [rsProvider()], r)).code).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
    expect(refused(await verify(await rs256(fresh(), opensslPrivate), [hsProvider()], r)).code).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
  });

  it("refuses the algorithm-confusion attack: HS256 whose HMAC key is the RS256 provider's public PEM text", async () => {
    const variants = [publicPem, publicPem.trim(), rs256FromPem(publicPem).export({ type: "spki", format: "pem" }).toString()];
    for (const pemText of variants) {
      const t = await new SignJWT(fresh({ sub: "admin" })).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(pemText));
      const v = refused(await verify(t, [rsProvider()], resolver({ rs: [rs256FromPem(publicPem)] })));
      expect(v.code).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
      // Even if a resolver (wrongly) handed the raw PEM bytes as a key, RS256 verification must not use them as an HMAC key.
      const sloppy = resolver({ rs: [new TextEncoder().encode(pemText)] });
      expect((await verify(t, [rsProvider()], sloppy)).ok).toBe(false);
    }
  });

  it("with two providers where only the second's key verifies but its aud is wrong, answers 16 with both attempts", async () => {
    const providers = [hsProvider({ id: "first", name: "First issuer" }), hsProvider({ id: "second", name: "Second issuer", audience: "gatehouse" })];
    const r = resolver({ first: [hs256Secret(OTHER_SECRET)], second: [hs256Secret(SECRET)] });
    const v = refused(await verify(await hs256(fresh({ aud: "someone-else" })), providers, r));
    expect(v.code).toBe(EMBED_ERROR.AUDIENCE_MISMATCH);
    expect(v.message).toContain("Second issuer");
    expect(v.message).toContain("gatehouse");
    expect(v.attempts.map((a) => [a.providerId, a.code])).toEqual([
      ["first", EMBED_ERROR.NO_MATCHING_PROVIDER],
      ["second", EMBED_ERROR.AUDIENCE_MISMATCH],
    ]);
    expect(r.calls).toEqual(["first", "second"]);
  });

  it("accepts with the provider whose key verifies when an earlier one does not, and stops at the first that accepts", async () => {
    const providers = [rsProvider({ id: "a", name: "A" }), hsProvider({ id: "b", name: "B" }), hsProvider({ id: "c", name: "C" })];
    const r = resolver({ a: [rs256FromPem(publicPem)], b: [hs256Secret(SECRET)], c: [hs256Secret(SECRET)] });
    const v = accepted(await verify(await hs256(fresh()), providers, r));
    expect(v.providerId).toBe("b");
    expect(v.providerName).toBe("B");
    expect(r.calls).not.toContain("c");
  });

  it("answers 10 with every provider's attempt when none matches", async () => {
    const providers = [hsProvider({ id: "a", name: "A" }), rsProvider({ id: "b", name: "B" })];
    const r = resolver({ a: [hs256Secret(OTHER_SECRET)], b: [rs256FromPem(publicPem)] });
    const v = refused(await verify(await hs256(fresh()), providers, r));
    expect(v.code).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
    expect(v.attempts.map((a) => a.providerId)).toEqual(["a", "b"]);
    expect(v.attempts.every((a) => a.code === EMBED_ERROR.NO_MATCHING_PROVIDER)).toBe(true);
  });
});

describe("verifyEmbeddingToken: Google", () => {
  let google: { privateKey: CryptoKey; publicKey: CryptoKey };
  let attacker: { privateKey: CryptoKey; publicKey: CryptoKey };
  beforeAll(async () => {
    google = await generateKeyPair("RS256");
    attacker = await generateKeyPair("RS256");
  });
  const idToken = (extra: Record<string, unknown> = {}, key?: CryptoKey) =>
    rs256({ iss: "https://accounts.google.com", aud: GOOGLE_CLIENT_ID, sub: "1100", email: "ada@example.com", iat: nowS - 60, exp: nowS + 3540, ...extra }, key ?? google.privateKey, "google-kid");
  const gKeys = () => resolver({ g: [google.publicKey] });

  it("accepts a Google ID token from either issuer spelling for the configured client id", async () => {
    for (const iss of ["accounts.google.com", "https://accounts.google.com"]) {
      const v = accepted(await verify(await idToken({ iss }), [googleProvider], gKeys()));
      expect(v.providerId).toBe("g");
      expect(v.claims.email).toBe("ada@example.com");
    }
  });

  it("refuses a token not issued by Google, even when the signature verifies", async () => {
    for (const iss of ["https://accounts.google.com.evil.example", "http://accounts.google.com", "https://evil.example", undefined]) {
      const v = refused(await verify(await idToken({ iss }), [googleProvider], gKeys()));
      expect(v.code, String(iss)).not.toBe(EMBED_ERROR.GOOGLE_CLIENT_ID_MISMATCH);
      expect(v.code, String(iss)).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
    }
  });

  it("refuses a token for another client id (18), naming the configured one", async () => {
    for (const aud of ["other.apps.googleusercontent.com", ["other.apps.googleusercontent.com"], undefined]) {
      const v = refused(await verify(await idToken({ aud }), [googleProvider], gKeys()));
      expect(v.code, JSON.stringify(aud)).toBe(EMBED_ERROR.GOOGLE_CLIENT_ID_MISMATCH);
      expect(v.message).toContain(GOOGLE_CLIENT_ID);
    }
  });

  it("refuses an expired Google token (14)", async () => {
    const v = refused(await verify(await idToken({ iat: nowS - 7200, exp: nowS - 3600 }), [googleProvider], gKeys()));
    expect(v.code).toBe(EMBED_ERROR.EXPIRED);
  });

  it("refuses a Google-shaped token signed by another key (10) and an HS256 one (10)", async () => {
    expect(refused(await verify(await idToken({}, attacker.privateKey), [googleProvider], gKeys())).code).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
    const hs = await hs256({ iss: "https://accounts.google.com", aud: GOOGLE_CLIENT_ID, iat: nowS - 60, exp: nowS + 3000 });
    expect(refused(await verify(hs, [googleProvider], resolver({ g: [google.publicKey] }))).code).toBe(EMBED_ERROR.NO_MATCHING_PROVIDER);
  });

  it("accepts with the public key in PEM form too (as a fetched key would be)", async () => {
    const pem = await exportSPKI(google.publicKey);
    expect((await verify(await idToken(), [googleProvider], resolver({ g: [rs256FromPem(pem)] }))).ok).toBe(true);
  });
});

describe("header extensions and inverted lifetimes", () => {
  it("refuses crit and b64 headers (9) before any key is resolved", async () => {
    const keys = resolver({ hs: [hs256Secret(SECRET)] });
    // RFC 7797: the payload travels as is (here a string of base64url-safe characters) and is signed so.
    const h = b64url({ alg: "HS256", b64: false, crit: ["b64"] });
    const unencoded = `${h}.abc.${createHmac("sha256", SECRET).update(`${h}.abc`).digest("base64url")}`;
    const hc = b64url({ alg: "HS256", crit: ["x-policy"], "x-policy": 1 });
    const body = b64url(fresh());
    const withCrit = `${hc}.${body}.${createHmac("sha256", SECRET).update(`${hc}.${body}`).digest("base64url")}`;
    for (const t of [unencoded, withCrit]) expect(refused(await verify(t, [hsProvider()], keys)).code).toBe(EMBED_ERROR.INVALID_JWT);
    expect(keys.calls).toEqual([]);
  });

  it("refuses a token that expires before it was issued (9), even inside both windows", async () => {
    const keys = resolver({ hs: [hs256Secret(SECRET)] });
    const t = await hs256({ sub: "u", iat: nowS + 200, exp: nowS + 100 });
    expect(refused(await verify(t, [hsProvider()], keys)).code).toBe(EMBED_ERROR.INVALID_JWT);
    expect(accepted(await verify(await hs256({ sub: "u", iat: nowS + 100, exp: nowS + 200 }), [hsProvider()], keys)).providerId).toBe("hs");
  });
});
