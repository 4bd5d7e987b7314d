import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { now as clockNow } from "../clock";

// Layout (then base64url): version(1) ‖ issuedAt ms, uint64 BE (8) ‖ random (16) ‖ HMAC-SHA256 (32).
// Stateless: any Gatehouse instance holding the same key verifies any other's nonce, so nothing
// is stored per challenge and a flood of unauthenticated requests costs no memory. base64url
// keeps the nonce free of `"`, `\`, `,` and `'`, which Go's and urllib's naive challenge
// parsers would trip over.
const VERSION = 1;
const BODY_LENGTH = 1 + 8 + 16;
const MAC_LENGTH = 32;
// Domain separation: the same derived key could one day sign something else; a nonce must never
// verify as that, nor the reverse.
const LABEL = Buffer.from("gatehouse/digest-nonce\0");
/** Another instance's clock may run a little ahead; beyond this a nonce is not trusted as fresh. */
export const MAX_FUTURE_SKEW_MS = 60_000;

export const DEFAULT_NONCE_TTL_MS = 5 * 60_000;

export type NonceCode = "NONCE_FORGED" | "NONCE_EXPIRED" | "NONCE_MALFORMED";
export type NonceCheck = { ok: true; issuedAt: Date } | { ok: false; code: NonceCode };

export type NonceOptions = { key: Buffer; now?: Date };
export type VerifyNonceOptions = NonceOptions & { ttlMs?: number };

function mac(key: Buffer, body: Buffer): Buffer {
  return createHmac("sha256", key).update(LABEL).update(body).digest();
}

// Our own misuse (a missing or short key) must fail loudly, not as a string of "forged" nonces.
function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length < 32) throw new TypeError("The digest nonce key must be a Buffer of at least 32 bytes.");
}

export function issueNonce({ key, now = clockNow() }: NonceOptions): string {
  assertKey(key);
  const body = Buffer.alloc(BODY_LENGTH);
  body.writeUInt8(VERSION, 0);
  body.writeBigUInt64BE(BigInt(now.getTime()), 1);
  randomBytes(16).copy(body, 9);
  return Buffer.concat([body, mac(key, body)]).toString("base64url");
}

/**
 * The signature is checked before the time, so a forged nonce is never reported as merely
 * expired (which would invite the client to retry) and the clock cannot be probed without the key.
 */
export function verifyNonce(nonce: string, { key, now = clockNow(), ttlMs = DEFAULT_NONCE_TTL_MS }: VerifyNonceOptions): NonceCheck {
  assertKey(key);
  const raw = Buffer.from(nonce, "base64url");
  // Strict decoding: Buffer.from skips characters outside the alphabet, so only the exact
  // encoding issueNonce produced is accepted.
  if (raw.length !== BODY_LENGTH + MAC_LENGTH || raw.toString("base64url") !== nonce || raw[0] !== VERSION) {
    return { ok: false, code: "NONCE_MALFORMED" };
  }
  const body = raw.subarray(0, BODY_LENGTH);
  if (!timingSafeEqual(raw.subarray(BODY_LENGTH), mac(key, body))) return { ok: false, code: "NONCE_FORGED" };
  const issuedAt = Number(body.readBigUInt64BE(1));
  const age = now.getTime() - issuedAt;
  if (age > ttlMs || age < -MAX_FUTURE_SKEW_MS) return { ok: false, code: "NONCE_EXPIRED" };
  return { ok: true, issuedAt: new Date(issuedAt) };
}
