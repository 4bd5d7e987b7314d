import { createHash } from "node:crypto";

export type DigestAlgorithm = "MD5" | "SHA-256";

export type AlgorithmResult = { ok: true; algorithm: DigestAlgorithm } | { ok: false; code: "UNSUPPORTED_ALGORITHM" };

const NODE_HASH: Record<DigestAlgorithm, string> = { MD5: "md5", "SHA-256": "sha256" };

/** Lower-case hex of H(data), data taken as UTF-8 (RFC 7616 §3.4.1). */
export function digestHash(algorithm: DigestAlgorithm, data: string): string {
  return createHash(NODE_HASH[algorithm]).update(data, "utf8").digest("hex");
}

/**
 * The `algorithm` parameter of an Authorization header. Absent means MD5 (RFC 7616 §3.4). The
 * `-sess` variants are refused: they fold the client nonce into HA1, which buys nothing when the
 * server holds the password anyway, and no Atlas client uses them. SHA-512-256 is refused too —
 * neither the Go client nor urllib nor curl's Atlas use needs it.
 */
export function parseAlgorithm(value: string | undefined): AlgorithmResult {
  if (value === undefined) return { ok: true, algorithm: "MD5" };
  const upper = value.toUpperCase();
  if (upper === "MD5" || upper === "SHA-256") return { ok: true, algorithm: upper };
  return { ok: false, code: "UNSUPPORTED_ALGORITHM" };
}
