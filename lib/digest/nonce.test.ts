import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEFAULT_NONCE_TTL_MS, issueNonce, verifyNonce } from "./nonce";

const key = Buffer.alloc(32, 7);
const t0 = new Date("2025-03-01T12:00:00.000Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("issueNonce / verifyNonce", () => {
  it("round-trips and reports the issue time", () => {
    const nonce = issueNonce({ key, now: t0 });
    expect(verifyNonce(nonce, { key, now: at(1000) })).toEqual({ ok: true, issuedAt: t0 });
  });

  it("is base64url (safe in a quoted-string and for naive parsers) and unique per call", () => {
    const a = issueNonce({ key, now: t0 });
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(issueNonce({ key, now: t0 })).not.toBe(a);
  });

  it("expires after five minutes by default, and the TTL is configurable", () => {
    const nonce = issueNonce({ key, now: t0 });
    expect(DEFAULT_NONCE_TTL_MS).toBe(300_000);
    expect(verifyNonce(nonce, { key, now: at(300_000) }).ok).toBe(true);
    expect(verifyNonce(nonce, { key, now: at(300_001) })).toEqual({ ok: false, code: "NONCE_EXPIRED" });
    expect(verifyNonce(nonce, { key, now: at(30_001), ttlMs: 30_000 })).toEqual({ ok: false, code: "NONCE_EXPIRED" });
    expect(verifyNonce(nonce, { key, now: at(600_000), ttlMs: 900_000 }).ok).toBe(true);
  });

  it("tolerates a little clock skew between instances, not a nonce from far in the future", () => {
    const nonce = issueNonce({ key, now: at(30_000) });
    expect(verifyNonce(nonce, { key, now: t0 }).ok).toBe(true);
    expect(verifyNonce(issueNonce({ key, now: at(120_000) }), { key, now: t0 })).toEqual({ ok: false, code: "NONCE_EXPIRED" });
  });

  it("refuses a nonce signed with another key as forged, even when it is also expired", () => {
    const other = issueNonce({ key: randomBytes(32), now: t0 });
    expect(verifyNonce(other, { key, now: t0 })).toEqual({ ok: false, code: "NONCE_FORGED" });
    expect(verifyNonce(other, { key, now: at(3_600_000) })).toEqual({ ok: false, code: "NONCE_FORGED" });
  });

  it("refuses a nonce whose time was moved forward (to extend it) as forged", () => {
    const raw = Buffer.from(issueNonce({ key, now: t0 }), "base64url");
    raw.writeBigUInt64BE(BigInt(at(290_000).getTime()), 1);
    expect(verifyNonce(raw.toString("base64url"), { key, now: at(400_000) })).toEqual({ ok: false, code: "NONCE_FORGED" });
  });

  it("refuses every flipped bit", () => {
    const raw = Buffer.from(issueNonce({ key, now: t0 }), "base64url");
    for (let bit = 0; bit < raw.length * 8; bit++) {
      const copy = Buffer.from(raw);
      copy[bit >> 3]! ^= 1 << (bit & 7);
      expect(verifyNonce(copy.toString("base64url"), { key, now: t0 }).ok).toBe(false);
    }
  });

  it.each([
    ["empty", ""],
    ["short", "abc"],
    ["not base64url", "!".repeat(76)],
    ["base64 padding", `${"A".repeat(76)}==`],
  ])("refuses a malformed nonce (%s)", (_, nonce) => {
    expect(verifyNonce(nonce, { key, now: t0 })).toEqual({ ok: false, code: "NONCE_MALFORMED" });
  });

  it("refuses a non-canonical encoding and an unknown version as malformed", () => {
    const nonce = issueNonce({ key, now: t0 });
    expect(verifyNonce(`${nonce}A`, { key, now: t0 })).toEqual({ ok: false, code: "NONCE_MALFORMED" });
    expect(verifyNonce(nonce.replace(/^./, "+"), { key, now: t0 })).toEqual({ ok: false, code: "NONCE_MALFORMED" });
    const raw = Buffer.from(nonce, "base64url");
    raw[0] = 2;
    expect(verifyNonce(raw.toString("base64url"), { key, now: t0 })).toEqual({ ok: false, code: "NONCE_MALFORMED" });
  });

  it("treats a missing or short key as our bug", () => {
    expect(() => issueNonce({ key: Buffer.alloc(16), now: t0 })).toThrow(TypeError);
    expect(() => verifyNonce("x", { key: undefined as unknown as Buffer, now: t0 })).toThrow(TypeError);
  });
});
