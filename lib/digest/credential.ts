import type { DigestAlgorithm } from "./algorithm";
import { digestHa1 } from "./response";

/**
 * What `lookup` returns for a username (an API key's public key). `secret` is the plaintext
 * password (the API key's private key, unsealed by the caller). Alternatively precomputed HA1
 * values for *this* realm: hex strings, or Buffers of the raw digest bytes. A credential without
 * the HA1 for the client's algorithm answers UNSUPPORTED_ALGORITHM.
 */
export type DigestCredential = { secret: string } | { ha1Md5?: Buffer | string; ha1Sha256?: Buffer | string };

const DIGEST_BYTES: Record<DigestAlgorithm, number> = { MD5: 16, "SHA-256": 32 };

export function ha1Of(credential: DigestCredential, algorithm: DigestAlgorithm, username: string, realm: string): string | undefined {
  if ("secret" in credential) {
    if (typeof credential.secret !== "string") throw new TypeError("A digest credential's secret must be a string.");
    return digestHa1(algorithm, username, realm, credential.secret);
  }
  const stored = algorithm === "MD5" ? credential.ha1Md5 : credential.ha1Sha256;
  if (stored === undefined) return undefined;
  const hex = Buffer.isBuffer(stored) ? stored.toString("hex") : stored.toLowerCase();
  // A stored HA1 of the wrong shape is our data bug; comparing against it would just fail every
  // login with BAD_RESPONSE and hide the cause.
  if (hex.length !== DIGEST_BYTES[algorithm] * 2 || !/^[0-9a-f]+$/.test(hex)) {
    throw new TypeError(`A stored ${algorithm} HA1 must be ${DIGEST_BYTES[algorithm]} bytes (raw Buffer or hex).`);
  }
  return hex;
}
