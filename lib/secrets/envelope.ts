import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { GatehouseError } from "../errors";
import type { MasterKey } from "./master-key";

// Format: gh1.<masterKeyId>.<wrapIv>.<wrappedDek+tag>.<iv>.<ciphertext+tag>  (base64url parts)
// Envelope encryption: every value gets its own random data key (DEK), and only the DEK is
// encrypted under the master key. Rotating the master key later means re-wrapping DEKs, not
// re-encrypting every value. The purpose string is bound as AAD, so a value sealed for one use
// (e.g. a connector password) cannot be swapped in for another.
const VERSION = "gh1";

const b64 = (b: Buffer) => b.toString("base64url");
// Strict decoding: Buffer.from(s, "base64url") skips characters outside the alphabet and ignores
// the unused low bits of a final partial character, so some flipped characters would decode to
// the same bytes and pass unnoticed. Only the exact encoding seal() produced is accepted.
function unb64(s: string): Buffer {
  const b = Buffer.from(s, "base64url");
  if (b64(b) !== s) throw tampered();
  return b;
}

function gcmEncrypt(key: Buffer, plaintext: Buffer, aad: Buffer) {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  return { iv, ct };
}

function gcmDecrypt(key: Buffer, iv: Buffer, ctAndTag: Buffer, aad: Buffer): Buffer {
  if (iv.length !== 12 || ctAndTag.length < 16) throw tampered();
  const d = createDecipheriv("aes-256-gcm", key, iv);
  d.setAAD(aad);
  d.setAuthTag(ctAndTag.subarray(ctAndTag.length - 16));
  try {
    return Buffer.concat([d.update(ctAndTag.subarray(0, ctAndTag.length - 16)), d.final()]);
  } catch (err) {
    throw tampered(err);
  }
}

function tampered(cause?: unknown) {
  return new GatehouseError(
    "SECRET_TAMPERED",
    "A sealed secret failed its integrity check: it was altered, truncated or sealed under another master key.",
    { cause },
  );
}

export function seal(master: MasterKey, purpose: string, plaintext: Buffer | string): string {
  const aad = Buffer.from(`${VERSION}|${master.id}|${purpose}`);
  const dek = randomBytes(32);
  try {
    const wrapped = gcmEncrypt(master.key, dek, aad);
    const body = gcmEncrypt(dek, Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, "utf8"), aad);
    return [VERSION, master.id, b64(wrapped.iv), b64(wrapped.ct), b64(body.iv), b64(body.ct)].join(".");
  } finally {
    dek.fill(0);
  }
}

function unwrapsUnder(master: MasterKey, purpose: string, wrapIv: string, wrappedDek: string): boolean {
  try {
    gcmDecrypt(master.key, unb64(wrapIv), unb64(wrappedDek), Buffer.from(`${VERSION}|${master.id}|${purpose}`)).fill(0);
    return true;
  } catch {
    return false;
  }
}

export function unseal(master: MasterKey, purpose: string, sealed: string): Buffer {
  const parts = sealed.split(".");
  if (parts.length !== 6 || parts[0] !== VERSION) throw tampered();
  const [, keyId, wrapIv, wrappedDek, iv, ct] = parts as [string, string, string, string, string, string];
  if (!/^[0-9a-f]{8}$/.test(keyId)) throw tampered();
  if (keyId !== master.id) {
    // An altered key id would otherwise send the operator hunting for another master key: if the
    // data key still unwraps under the current key (its id is bound in the AAD), only the id was
    // changed, and that is tampering.
    if (unwrapsUnder(master, purpose, wrapIv, wrappedDek)) throw tampered();
    throw new GatehouseError(
      "MASTER_KEY",
      `This secret was sealed under master key ${keyId}, but the server runs with ${master.id}. ` +
        "Start Gatehouse with the GATEHOUSE_MASTER_KEY (or data-dir key file) it was sealed with.",
    );
  }
  const aad = Buffer.from(`${VERSION}|${master.id}|${purpose}`);
  const dek = gcmDecrypt(master.key, unb64(wrapIv), unb64(wrappedDek), aad);
  try {
    return gcmDecrypt(dek, unb64(iv), unb64(ct), aad);
  } finally {
    dek.fill(0);
  }
}

export const unsealString = (master: MasterKey, purpose: string, sealed: string) =>
  unseal(master, purpose, sealed).toString("utf8");

const derived = new WeakMap<MasterKey, Map<string, Buffer>>();

/**
 * A sub-key for one purpose (HMAC of client secrets, nonce signing, …), derived with HKDF once per
 * master key and purpose: hot paths (every token request, every Digest check) ask for it on each
 * call. The same Buffer is returned each time; do not modify it.
 */
export function deriveKey(master: MasterKey, purpose: string, length = 32): Buffer {
  let byPurpose = derived.get(master);
  if (!byPurpose) derived.set(master, (byPurpose = new Map()));
  const id = `${length}:${purpose}`;
  let k = byPurpose.get(id);
  if (!k) byPurpose.set(id, (k = Buffer.from(hkdfSync("sha256", master.key, Buffer.alloc(0), `gatehouse:${purpose}`, length))));
  return k;
}
