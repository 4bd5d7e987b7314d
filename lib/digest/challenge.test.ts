import { describe, expect, it } from "vitest";
import { digestChallenge, digestChallenges } from "./challenge";
import { verifyNonce } from "./nonce";

const key = Buffer.alloc(32, 1);
const now = new Date("2025-03-01T12:00:00.000Z");
const NONCE = /nonce="([A-Za-z0-9_-]+)"/;
const nonceOf = (header: string) => NONCE.exec(header)?.[1] ?? "";

// What mongodb-forks/digest does with the header: anything it cannot read is a hard error.
function goParse(header: string) {
  expect(header.startsWith("Digest ")).toBe(true);
  const out: Record<string, string> = {};
  for (const part of header.slice(7).split(", ")) {
    const [k, v = ""] = part.split(/=(.*)/s);
    expect(["realm", "domain", "nonce", "opaque", "stale", "algorithm", "qop"]).toContain(k);
    out[k!] = v.replace(/^"+|"+$/g, "");
  }
  return out;
}

describe("digestChallenge", () => {
  it("is exactly the Atlas challenge, MD5 by default", () => {
    const header = digestChallenge({ realm: "MMS Public API", key, now });
    expect(header).toBe(`Digest realm="MMS Public API", domain="", nonce="${nonceOf(header)}", algorithm=MD5, qop="auth", stale=false`);
    expect(verifyNonce(nonceOf(header), { key, now })).toEqual({ ok: true, issuedAt: now });
    expect(goParse(header)).toEqual({ realm: "MMS Public API", domain: "", nonce: nonceOf(header), algorithm: "MD5", qop: "auth", stale: "false" });
  });

  it("defaults the realm to Atlas's", () => {
    expect(digestChallenge({ key, now })).toMatch(/^Digest realm="MMS Public API", /);
  });

  it("says stale=true when asked, with a new nonce", () => {
    const header = digestChallenge({ realm: "Gatehouse", key, now, stale: true });
    expect(header).toBe(`Digest realm="Gatehouse", domain="", nonce="${nonceOf(header)}", algorithm=MD5, qop="auth", stale=true`);
  });

  it("has a SHA-256 variant", () => {
    const header = digestChallenge({ key, now, algorithm: "SHA-256" });
    expect(header).toBe(`Digest realm="MMS Public API", domain="", nonce="${nonceOf(header)}", algorithm=SHA-256, qop="auth", stale=false`);
    expect(goParse(header).algorithm).toBe("SHA-256");
  });

  it.each(['a"b', "a\\b", "a, b", "a\r\nX-Evil: 1", "", "Gäte"])("refuses the realm %j (our misconfiguration)", (realm) => {
    expect(() => digestChallenge({ realm, key, now })).toThrow(TypeError);
  });
});

describe("digestChallenges", () => {
  it("puts MD5 first and SHA-256 second, over one nonce", () => {
    const [md5, sha256] = digestChallenges({ key, now, stale: true });
    expect(md5).toMatch(/, algorithm=MD5, qop="auth", stale=true$/);
    expect(sha256).toMatch(/, algorithm=SHA-256, qop="auth", stale=true$/);
    expect(nonceOf(md5)).toBe(nonceOf(sha256));
    expect(verifyNonce(nonceOf(md5), { key, now }).ok).toBe(true);
  });
});
