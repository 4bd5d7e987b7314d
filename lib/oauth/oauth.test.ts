import { KeyObject as NodeKeyObject, generateKeyPairSync, verify as cryptoVerify } from "node:crypto";
import { generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { signAccessToken, verifyAccessToken } from "./access-token";
import { CLIENT_ID_PATTERN, hashSecret, maskSecret, newClientId, newClientSecret, parseBasicAuth, secretMatches } from "./credentials";
import { ipAllowed, parseAccessEntry } from "./ip-access";
import { FixedWindowLimiter } from "./rate-limit";

const key = Buffer.alloc(32, 7);

describe("credentials", () => {
  it("makes Atlas-shaped client ids and high-entropy secrets, masked to their last four", () => {
    expect(newClientId()).toMatch(CLIENT_ID_PATTERN);
    const s = newClientSecret();
    expect(s).toMatch(/^mdb_sa_sk_[A-Za-z0-9]{40}$/);
    expect(new Set(Array.from({ length: 50 }, newClientSecret)).size).toBe(50);
    expect(maskSecret(s)).toBe(`mdb_sa_sk_****${s.slice(-4)}`);
  });

  it("compares a secret with its keyed hash, and another key or secret does not match", () => {
    const s = newClientSecret();
    const h = hashSecret(key, s);
    expect(secretMatches(key, s, h)).toBe(true);
    expect(secretMatches(key, s + "x", h)).toBe(false);
    expect(secretMatches(Buffer.alloc(32, 8), s, h)).toBe(false);
  });

  it("reads client_secret_basic with form-urlencoded parts and refuses garbled headers", () => {
    const b = (s: string) => `Basic ${Buffer.from(s).toString("base64")}`;
    expect(parseBasicAuth(b("mdb_sa_id_1:a%3Ab+c"))).toEqual({ ok: true, clientId: "mdb_sa_id_1", clientSecret: "a:b c" });
    expect(parseBasicAuth(null)).toEqual({ ok: false, code: "MISSING" });
    expect(parseBasicAuth("Bearer x")).toEqual({ ok: false, code: "MISSING" });
    expect(parseBasicAuth("Basic !!!")).toEqual({ ok: false, code: "MALFORMED" });
    expect(parseBasicAuth(b("no-colon"))).toEqual({ ok: false, code: "MALFORMED" });
    expect(parseBasicAuth(b("id:%zz"))).toEqual({ ok: false, code: "MALFORMED" });
  });
});

describe("API Access List entries", () => {
  it("parses IPs and CIDR blocks (v4 and v6) and refuses anything else", () => {
    expect(parseAccessEntry(" 203.0.113.7 ")).toEqual({ ok: true, entry: "203.0.113.7", kind: "ip" });
    expect(parseAccessEntry("10.0.0.0/8")).toEqual({ ok: true, entry: "10.0.0.0/8", kind: "cidr" });
    expect(parseAccessEntry("2001:DB8::/32")).toEqual({ ok: true, entry: "2001:db8::/32", kind: "cidr" });
    for (const bad of ["10.0.0.0/33", "example.com", "10.0.0/8", "1.2.3.4/8/9", ""]) expect(parseAccessEntry(bad).ok).toBe(false);
  });

  it("lets every IP through an empty list, and only listed ones otherwise", () => {
    expect(ipAllowed("198.51.100.1", [])).toBe(true);
    expect(ipAllowed("10.1.2.3", ["10.0.0.0/8"])).toBe(true);
    expect(ipAllowed("::ffff:10.1.2.3", ["10.0.0.0/8"])).toBe(true);
    expect(ipAllowed("11.1.2.3", ["10.0.0.0/8", "203.0.113.7"])).toBe(false);
    expect(ipAllowed("203.0.113.7", ["10.0.0.0/8", "203.0.113.7"])).toBe(true);
    expect(ipAllowed(null, ["10.0.0.0/8"])).toBe(false);
  });

  it("stores one canonical form, so two spellings of an entry are one entry", () => {
    const entry = (s: string) => parseAccessEntry(s);
    expect(entry("2001:DB8:0:0::1")).toEqual({ ok: true, entry: "2001:db8::1", kind: "ip" });
    expect(entry("2001:0db8:0000:0000:0000:0000:0000:0000/32")).toEqual({ ok: true, entry: "2001:db8::/32", kind: "cidr" });
    // A block of one address is that address (and deleting either spelling deletes it).
    expect(entry("203.0.113.7/32")).toEqual({ ok: true, entry: "203.0.113.7", kind: "ip" });
    expect(entry("2001:db8::1/128")).toEqual({ ok: true, entry: "2001:db8::1", kind: "ip" });
    // IPv4-mapped IPv6 is the IPv4 address or block it names.
    expect(entry("::ffff:203.0.113.7")).toEqual({ ok: true, entry: "203.0.113.7", kind: "ip" });
    expect(entry("::FFFF:203.0.113.0/120")).toEqual({ ok: true, entry: "203.0.113.0/24", kind: "cidr" });
  });

  it("refuses a block that would not mean what it says, and says which block was meant", () => {
    const message = (s: string) => {
      const r = parseAccessEntry(s);
      return r.ok ? `accepted as ${r.entry}` : r.message;
    };
    // Counted over 128 bits, this is ::/24 — which holds every IPv4 client (as ::ffff:a.b.c.d).
    expect(message("::ffff:203.0.113.0/24")).toMatch(/IPv4-mapped .* prefix under 96/);
    expect(message("10.0.0.5/8")).toMatch(/host bits set: the block it names is 10\.0\.0\.0\/8/);
    expect(message("2001:db8::1/32")).toMatch(/the block it names is 2001:db8::\/32/);
    expect(message("fe80::1%eth0")).toMatch(/zone/);
  });

  it("reads stored entries the same way: a mapped block matches its IPv4 addresses only, and an entry that no longer parses lets nobody in", () => {
    expect(ipAllowed("203.0.113.7", ["::ffff:203.0.113.0/120"])).toBe(true);
    expect(ipAllowed("::ffff:203.0.113.7", ["203.0.113.0/24"])).toBe(true);
    for (const ip of ["8.8.8.8", "198.51.100.1", "::1"]) {
      expect(ipAllowed(ip, ["::ffff:203.0.113.0/120"])).toBe(false);
      expect(ipAllowed(ip, ["::ffff:203.0.113.0/24"])).toBe(false);
    }
    // Stored before host bits were refused: matched as the block it names, as it always was.
    expect(ipAllowed("10.200.1.1", ["10.0.0.5/8"])).toBe(true);
    expect(ipAllowed("11.0.0.5", ["10.0.0.5/8"])).toBe(false);
    expect(ipAllowed("2001:db8::abcd", ["2001:DB8:0::/48"])).toBe(true);
    expect(ipAllowed("2001:db9::1", ["2001:db8::/32"])).toBe(false);
  });
});

describe("rate limit", () => {
  it("allows `limit` per window and says when to retry", () => {
    const l = new FixedWindowLimiter(2, 60_000);
    expect(l.take("a", 0)).toEqual({ ok: true, remaining: 1 });
    expect(l.take("a", 1)).toEqual({ ok: true, remaining: 0 });
    expect(l.take("a", 10_000)).toEqual({ ok: false, retryAfterSeconds: 50 });
    expect(l.take("b", 10_000).ok).toBe(true);
    expect(l.take("a", 60_000).ok).toBe(true);
  });

  it("forgets ended windows within a window, however few keys it holds", () => {
    const l = new FixedWindowLimiter(10, 60_000);
    for (let i = 0; i < 300; i++) l.take(`client-${i}`, i);
    expect(l.size).toBe(300);
    // A window later, one more caller: the 300 ended windows are gone.
    l.take("late", 60_000 + 300);
    expect(l.size).toBe(1);
  });
});

describe("access tokens", async () => {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const k = { kid: "k1", privateKey };
  const pub = publicKey;
  const iat = 1_800_000_000;
  const claims = { iss: "urn:gatehouse", sub: "mdb_sa_id_aa", client_id: "mdb_sa_id_aa", jti: "j1", iat, exp: iat + 3600 };
  const opts = (at: number) => ({ issuer: "urn:gatehouse", now: new Date(at * 1000), publicKey: (kid: string) => (kid === "k1" ? pub : undefined) });

  it("verifies its own ES256 token until it expires", async () => {
    const t = await signAccessToken(claims, k);
    expect(await verifyAccessToken(t, opts(iat + 10))).toEqual({ ok: true, claims });
    expect(await verifyAccessToken(t, opts(iat + 3600))).toEqual({ ok: false, code: "TOKEN_EXPIRED" });
  });

  it("is a compact JWS with the typ, kid and raw r‖s signature RFC 7518 asks for; only a P-256 key signs", async () => {
    const t = await signAccessToken(claims, k);
    const [h, p, sig] = t.split(".") as [string, string, string];
    expect(JSON.parse(Buffer.from(h, "base64url").toString())).toEqual({ alg: "ES256", kid: "k1", typ: "at+jwt" });
    expect(JSON.parse(Buffer.from(p, "base64url").toString())).toEqual(claims);
    const raw = Buffer.from(sig, "base64url");
    expect(raw.length).toBe(64);
    expect(cryptoVerify("sha256", Buffer.from(`${h}.${p}`), { key: NodeKeyObject.from(pub as Parameters<typeof NodeKeyObject.from>[0]), dsaEncoding: "ieee-p1363" }, raw)).toBe(true);
    const p384 = await generateKeyPair("ES384", { extractable: true });
    await expect(signAccessToken(claims, { kid: "k1", privateKey: p384.privateKey })).rejects.toThrow(TypeError);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    await expect(signAccessToken(claims, { kid: "k1", privateKey: rsa.privateKey })).rejects.toThrow(TypeError);
  });

  it("refuses alg none, HS256, another key with our kid, an unknown kid, garbage and another issuer", async () => {
    const none = new UnsecuredJWT({ client_id: "x" }).setSubject("x").setJti("j").setIssuedAt(iat).setExpirationTime(iat + 60).encode();
    expect((await verifyAccessToken(none, opts(iat))).ok).toBe(false);
    const hs = await new SignJWT({ client_id: "x" }).setProtectedHeader({ alg: "HS256", kid: "k1" }).setSubject("x").setJti("j").setIssuedAt(iat).setExpirationTime(iat + 60).sign(new Uint8Array(32));
    expect(await verifyAccessToken(hs, opts(iat))).toEqual({ ok: false, code: "TOKEN_BAD_SIGNATURE" });
    const other = await generateKeyPair("ES256", { extractable: true });
    const forged = await signAccessToken(claims, { kid: "k1", privateKey: other.privateKey });
    expect(await verifyAccessToken(forged, opts(iat + 1))).toEqual({ ok: false, code: "TOKEN_BAD_SIGNATURE" });
    expect(await verifyAccessToken(await signAccessToken(claims, { ...k, kid: "k2" }), opts(iat + 1))).toEqual({ ok: false, code: "TOKEN_UNKNOWN_KEY" });
    expect(await verifyAccessToken("not.a.jwt", opts(iat))).toEqual({ ok: false, code: "TOKEN_MALFORMED" });
    expect(await verifyAccessToken(await signAccessToken({ ...claims, iss: "elsewhere" }, k), opts(iat + 1))).toEqual({ ok: false, code: "TOKEN_BAD_CLAIMS" });
  });
});
