import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EMBED_ERROR } from "./codes";
import { signEmbedQuery, verifySignedEmbedQuery, type SignedUrlVerdict } from "./signed-url";

const KEY = "embedding-key-6f1c0a9e2b7d4f3a8c5e";
const NOW = new Date("2024-05-01T12:00:00Z");
const nowS = Math.floor(NOW.getTime() / 1000);
const CHART = "65a1f0e2-5b8c-4d2e-9f3a-7c6b5a4d3e2f";

/** An HMAC computed here, not by the module under test: for hand-made queries. */
const sign = (payload: string, key = KEY) => `${payload}&signature=${createHmac("sha256", key).update(payload).digest("hex")}`;

function refused(v: SignedUrlVerdict): Extract<SignedUrlVerdict, { ok: false }> {
  if (v.ok) throw new Error(`expected a refusal, got ${JSON.stringify(v)}`);
  return v;
}
function accepted(v: SignedUrlVerdict): Extract<SignedUrlVerdict, { ok: true }> {
  if (!v.ok) throw new Error(`expected acceptance, got code ${v.code}: ${v.message}`);
  return v;
}
const at = (s: number) => new Date(s * 1000);

describe("signEmbedQuery and verifySignedEmbedQuery", () => {
  it("accepts a query signEmbedQuery made, with or without the leading ?", () => {
    const filter = JSON.stringify({ status: "open" });
    const q = signEmbedQuery(KEY, { id: CHART, timestamp: nowS - 30, expiresIn: 600, filter, autorefresh: 30 });
    const v = accepted(verifySignedEmbedQuery(q, KEY, NOW));
    expect(v).toEqual({ ok: true, id: CHART, timestamp: nowS - 30, expiresIn: 600, filter, autorefresh: 30 });
    expect(verifySignedEmbedQuery(`?${q}`, KEY, NOW).ok).toBe(true);
    const minimal = accepted(verifySignedEmbedQuery(signEmbedQuery(KEY, { id: CHART, timestamp: nowS }), KEY, NOW));
    expect(minimal.filter).toBeNull();
    expect(minimal.autorefresh).toBeNull();
  });

  it("puts the parameters in Charts' order with the signature last", () => {
    const q = signEmbedQuery(KEY, { id: CHART, timestamp: 1714564800, expiresIn: 600, filter: "{}", autorefresh: 30 });
    expect(q).toMatch(new RegExp(`^id=${CHART}&timestamp=1714564800&expires-in=600&filter=%7B%7D&autorefresh=30&signature=[0-9a-f]{64}$`));
  });

  it("matches an HMAC-SHA256 computed independently by openssl (interop oracle)", () => {
    const filter = JSON.stringify({ status: "open", "owner.name": "Zoë & co" });
    const payload = `id=${CHART}&timestamp=1714564800&expires-in=600&filter=${encodeURIComponent(filter)}&autorefresh=30`;
    const out = execFileSync("openssl", ["dgst", "-sha256", "-hmac", KEY], { input: payload }).toString("utf8").trim();
    const hex = /([0-9a-f]{64})$/.exec(out)?.[1];
    expect(hex, out).toMatch(/^[0-9a-f]{64}$/);
    expect(signEmbedQuery(KEY, { id: CHART, timestamp: 1714564800, expiresIn: 600, filter, autorefresh: 30 })).toBe(`${payload}&signature=${hex}`);
    // And a URL signed by the other side's tool verifies.
    expect(verifySignedEmbedQuery(`${payload}&signature=${hex}`, KEY, at(1714564800 + 10)).ok).toBe(true);
  });

  it("refuses (5) a query with any one character changed", () => {
    const q = signEmbedQuery(KEY, { id: CHART, timestamp: nowS - 30, expiresIn: 600, filter: JSON.stringify({ a: 1 }), autorefresh: 30 });
    expect(verifySignedEmbedQuery(q, KEY, NOW).ok).toBe(true);
    for (let i = 0; i < q.length; i++) {
      const c = q[i] === "a" ? "b" : "a";
      const changed = q.slice(0, i) + c + q.slice(i + 1);
      const v = verifySignedEmbedQuery(changed, KEY, NOW);
      expect(v.ok, `changed at ${i}: ${changed}`).toBe(false);
      expect(refused(v).code, `changed at ${i}`).toBe(EMBED_ERROR.INVALID_SIGNATURE);
    }
    // Also a digit changed in a number: a longer validity or a later timestamp.
    expect(refused(verifySignedEmbedQuery(q.replace("expires-in=600", "expires-in=900"), KEY, NOW)).code).toBe(EMBED_ERROR.INVALID_SIGNATURE);
    expect(refused(verifySignedEmbedQuery(q.replace(`timestamp=${nowS - 30}`, `timestamp=${nowS - 29}`), KEY, NOW)).code).toBe(EMBED_ERROR.INVALID_SIGNATURE);
  });

  it("refuses (5) a parameter added or removed after signing", () => {
    const q = signEmbedQuery(KEY, { id: CHART, timestamp: nowS - 30, expiresIn: 600 });
    const [payload, sig] = q.split("&signature=") as [string, string];
    expect(refused(verifySignedEmbedQuery(`${payload}&autorefresh=10&signature=${sig}`, KEY, NOW)).code).toBe(EMBED_ERROR.INVALID_SIGNATURE);
    expect(refused(verifySignedEmbedQuery(`${payload.replace("&expires-in=600", "")}&signature=${sig}`, KEY, NOW)).code).toBe(EMBED_ERROR.INVALID_SIGNATURE);
  });

  it("refuses (5) another key, no key, and an empty key", () => {
    const q = signEmbedQuery(KEY, { id: CHART, timestamp: nowS });
    expect(refused(verifySignedEmbedQuery(q, "another-embedding-key-0000000000", NOW)).code).toBe(EMBED_ERROR.INVALID_SIGNATURE);
    expect(refused(verifySignedEmbedQuery(q, KEY + " ", NOW)).code).toBe(EMBED_ERROR.INVALID_SIGNATURE);
    expect(refused(verifySignedEmbedQuery(q, null, NOW)).code).toBe(EMBED_ERROR.INVALID_SIGNATURE);
    expect(refused(verifySignedEmbedQuery(q, "", NOW)).code).toBe(EMBED_ERROR.INVALID_SIGNATURE);
    // An empty key is no key: a query HMAC'd with "" must not verify against "".
    expect(refused(verifySignedEmbedQuery(signEmbedQuery("", { id: CHART, timestamp: nowS }), "", NOW)).code).toBe(EMBED_ERROR.INVALID_SIGNATURE);
  });

  it("refuses (5) correctly signed parameters out of order, repeated or unknown", () => {
    const ts = nowS - 30;
    const bad = [
      `timestamp=${ts}&id=${CHART}`,
      `id=${CHART}&expires-in=600&timestamp=${ts}`,
      `id=${CHART}&timestamp=${ts}&autorefresh=30&filter=%7B%7D`,
      `id=${CHART}&timestamp=${ts}&autorefresh=30&expires-in=600`,
      `id=${CHART}&id=other&timestamp=${ts}`,
      `id=${CHART}&timestamp=${ts}&timestamp=${ts}`,
      `id=${CHART}&timestamp=${ts}&theme=dark`,
      `theme=dark&id=${CHART}&timestamp=${ts}`,
    ];
    for (const payload of bad) expect(refused(verifySignedEmbedQuery(sign(payload), KEY, NOW)).code, payload).toBe(EMBED_ERROR.INVALID_SIGNATURE);
    // The same parameters in order do pass, so it is the order that is refused.
    expect(verifySignedEmbedQuery(sign(`id=${CHART}&timestamp=${ts}&expires-in=600&filter=%7B%7D&autorefresh=30`), KEY, NOW).ok).toBe(true);
  });

  it("refuses (5) correctly signed queries missing the id or the timestamp, or with a non-numeric one", () => {
    for (const payload of [`timestamp=${nowS}`, `id=&timestamp=${nowS}`, `id=${CHART}`, `id=${CHART}&timestamp=`, `id=${CHART}&timestamp=soon`, `id=${CHART}&timestamp=${nowS}.5`, `id=${CHART}&timestamp=${nowS}&expires-in=ten`]) {
      expect(refused(verifySignedEmbedQuery(sign(payload), KEY, NOW)).code, payload).toBe(EMBED_ERROR.INVALID_SIGNATURE);
    }
  });

  it("refuses (5) once now − timestamp exceeds expires-in", () => {
    const q = signEmbedQuery(KEY, { id: CHART, timestamp: nowS, expiresIn: 600 });
    expect(verifySignedEmbedQuery(q, KEY, at(nowS + 600)).ok).toBe(true);
    expect(refused(verifySignedEmbedQuery(q, KEY, at(nowS + 601))).code).toBe(EMBED_ERROR.INVALID_SIGNATURE);
    expect(refused(verifySignedEmbedQuery(q, KEY, at(nowS + 86_400 * 30))).code).toBe(EMBED_ERROR.INVALID_SIGNATURE);
  });

  it("defaults expires-in to 24 hours", () => {
    const q = signEmbedQuery(KEY, { id: CHART, timestamp: nowS });
    expect(q).not.toContain("expires-in");
    expect(accepted(verifySignedEmbedQuery(q, KEY, at(nowS + 86_400))).expiresIn).toBe(86_400);
    expect(refused(verifySignedEmbedQuery(q, KEY, at(nowS + 86_401))).code).toBe(EMBED_ERROR.INVALID_SIGNATURE);
  });

  it("refuses (5) a timestamp more than 5 minutes in the future, and tolerates up to 5 minutes", () => {
    expect(verifySignedEmbedQuery(signEmbedQuery(KEY, { id: CHART, timestamp: nowS + 300 }), KEY, NOW).ok).toBe(true);
    expect(refused(verifySignedEmbedQuery(signEmbedQuery(KEY, { id: CHART, timestamp: nowS + 301 }), KEY, NOW)).code).toBe(EMBED_ERROR.INVALID_SIGNATURE);
    expect(refused(verifySignedEmbedQuery(signEmbedQuery(KEY, { id: CHART, timestamp: nowS + 86_400, expiresIn: 10 ** 9 }), KEY, NOW)).code).toBe(EMBED_ERROR.INVALID_SIGNATURE);
  });

  it("refuses an autorefresh under 10 seconds (6) and accepts 10", () => {
    const q = (autorefresh: number) => signEmbedQuery(KEY, { id: CHART, timestamp: nowS, autorefresh });
    expect(refused(verifySignedEmbedQuery(q(9), KEY, NOW)).code).toBe(EMBED_ERROR.INVALID_AUTOREFRESH);
    expect(refused(verifySignedEmbedQuery(q(0), KEY, NOW)).code).toBe(EMBED_ERROR.INVALID_AUTOREFRESH);
    expect(accepted(verifySignedEmbedQuery(q(10), KEY, NOW)).autorefresh).toBe(10);
    expect(accepted(verifySignedEmbedQuery(q(3600), KEY, NOW)).autorefresh).toBe(3600);
    for (const raw of ["", "abc", "-10", "10.5"]) {
      expect(refused(verifySignedEmbedQuery(sign(`id=${CHART}&timestamp=${nowS}&autorefresh=${raw}`), KEY, NOW)).code, raw).toBe(EMBED_ERROR.INVALID_AUTOREFRESH);
    }
  });

  it("round-trips a filter as percent-encoded JSON", () => {
    const filter = JSON.stringify({ "owner.name": "Zoë & Ada = 100% + (more)", tags: { $in: ["a/b", "c?d", "#e"] }, n: { $gte: 5 } });
    const q = signEmbedQuery(KEY, { id: CHART, timestamp: nowS, filter });
    expect(q).toContain(`&filter=${encodeURIComponent(filter)}`);
    expect(accepted(verifySignedEmbedQuery(q, KEY, NOW)).filter).toBe(filter);
    expect(JSON.parse(accepted(verifySignedEmbedQuery(q, KEY, NOW)).filter!)).toEqual(JSON.parse(filter));
  });

  it("checks the raw query: a filter encoded by another encoder still verifies, and decodes", () => {
    // %28/%29 where encodeURIComponent would leave ( and ): the signature covers the text as sent.
    const payload = `id=${CHART}&timestamp=${nowS}&filter=%7B%22a%22%3A%22%28x%29%22%7D`;
    expect(accepted(verifySignedEmbedQuery(sign(payload), KEY, NOW)).filter).toBe('{"a":"(x)"}');
  });

  it("refuses a correctly signed filter that is not percent-encoded text (8)", () => {
    expect(refused(verifySignedEmbedQuery(sign(`id=${CHART}&timestamp=${nowS}&filter=%E0%A4%A`), KEY, NOW)).code).toBe(EMBED_ERROR.INVALID_FILTER);
  });

  it("accepts the signature in uppercase hex as well (it is compared as bytes)", () => {
    const q = signEmbedQuery(KEY, { id: CHART, timestamp: nowS });
    const [payload, sig] = q.split("&signature=") as [string, string];
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(verifySignedEmbedQuery(`${payload}&signature=${sig.toUpperCase()}`, KEY, NOW).ok).toBe(true);
  });

  it("refuses (5) a signature that is missing, malformed, or not the last parameter", () => {
    const q = signEmbedQuery(KEY, { id: CHART, timestamp: nowS });
    const [payload, sig] = q.split("&signature=") as [string, string];
    const bad = [
      payload,
      `${payload}&signature=`,
      `${payload}&signature=${sig.slice(0, 63)}`,
      `${payload}&signature=${sig}0`,
      `${payload}&signature=${sig.slice(0, 62)}zz`,
      `${payload}&signature=${sig}&autorefresh=10`,
      `signature=${sig}&${payload}`,
      `${payload}&Signature=${sig}`,
      `${payload}&signature=${Buffer.from(sig, "hex").toString("base64")}`,
    ];
    for (const query of bad) expect(refused(verifySignedEmbedQuery(query, KEY, NOW)).code, query).toBe(EMBED_ERROR.INVALID_SIGNATURE);
  });
});
