import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

// Service account credentials in the shapes Atlas clients expect: client IDs `mdb_sa_id_` + 24
// hex (the Go SDK's pattern), secrets `mdb_sa_sk_` + 40 base62 characters (about 238 bits, and a
// prefix secret scanners can match).

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export const CLIENT_ID_PATTERN = /^mdb_sa_id_[a-f0-9]{24}$/;
export const SECRET_PREFIX = "mdb_sa_sk_";

export const newClientId = () => `mdb_sa_id_${randomBytes(12).toString("hex")}`;

export function newClientSecret(): string {
  let out = "";
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 62).
  while (out.length < 40) {
    for (const b of randomBytes(48)) {
      if (b < 248 && out.length < 40) out += BASE62[b % 62];
    }
  }
  return SECRET_PREFIX + out;
}

/** What later views show: the prefix and the last four characters. */
export const maskSecret = (secret: string) => `${SECRET_PREFIX}****${secret.slice(-4)}`;

/**
 * Secrets are high-entropy, so a keyed hash is enough (and a slow KDF on every token request
 * would be a denial-of-service lever): HMAC-SHA256 under a key derived from the master key. A
 * stolen database alone does not let anyone test guesses.
 */
export const hashSecret = (key: Buffer, secret: string) => createHmac("sha256", key).update(secret, "utf8").digest("hex");

export function secretMatches(key: Buffer, secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(key, secret), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

export type BasicCredentials = { ok: true; clientId: string; clientSecret: string } | { ok: false; code: "MISSING" | "MALFORMED" };

/** RFC 6749 §2.3.1: `Basic base64(urlencode(id) ":" urlencode(secret))`. */
export function parseBasicAuth(header: string | null): BasicCredentials {
  if (!header) return { ok: false, code: "MISSING" };
  const m = /^Basic[ ]+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header.trim());
  if (!m) return { ok: false, code: /^basic\b/i.test(header.trim()) ? "MALFORMED" : "MISSING" };
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return { ok: false, code: "MALFORMED" };
  try {
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    return { ok: true, clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return { ok: false, code: "MALFORMED" };
  }
}
