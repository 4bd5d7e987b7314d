import { timingSafeEqual } from "node:crypto";
import { now as clockNow } from "../clock";
import { parseAlgorithm, type DigestAlgorithm } from "./algorithm";
import { DEFAULT_REALM } from "./challenge";
import { ha1Of, type DigestCredential } from "./credential";
import { MAX_FUTURE_SKEW_MS, verifyNonce } from "./nonce";
import type { DigestReplayCache } from "./replay";
import { parseDigestAuthorization } from "./parse";
import { digestResponse } from "./response";
import { digestUriMatches } from "./uri";
import { digestUsername } from "./username";

export type DigestFailureCode =
  | "MISSING"
  | "MALFORMED"
  | "UNKNOWN_USER"
  | "BAD_RESPONSE"
  | "NONCE_EXPIRED"
  | "NONCE_FORGED"
  | "URI_MISMATCH"
  | "UNSUPPORTED_ALGORITHM"
  | "UNSUPPORTED_QOP"
  | "REPLAYED";

/**
 * On failure, answer 401 with a fresh `digestChallenge({ …, stale })`. `stale` is true only for a
 * correct response over an expired nonce: the client knows the key and may retry without asking
 * the user. `username` is set once known, for the audit trail — never echo it to the client.
 */
export type DigestVerifyResult =
  | { ok: true; username: string; algorithm: DigestAlgorithm }
  | { ok: false; code: DigestFailureCode; stale: boolean; username?: string };

export type VerifyDigestInput = {
  /** The Authorization header value, as received. */
  header: string | null | undefined;
  method: string;
  /** The request target as the client sent it: path + query (Node's `req.url`). */
  uri: string;
  realm?: string;
  nonceKey: Buffer;
  now?: Date;
  nonceTtlMs?: number;
  /** null for an unknown user. Called only once the nonce is known to be ours. */
  lookup: (username: string) => Promise<DigestCredential | null>;
  /** When given, a request accepted once is refused if it comes again unchanged (REPLAYED). */
  replayCache?: DigestReplayCache;
};

/** How long a replay cache must keep an entry for a given nonce lifetime. */
export const replayWindowMs = (nonceTtlMs: number) => nonceTtlMs + MAX_FUTURE_SKEW_MS;

const HEX = /^[0-9a-fA-F]+$/;
const fail = (code: DigestFailureCode, username?: string, stale = false): DigestVerifyResult => ({ ok: false, code, stale, username });

export async function verifyDigest(input: VerifyDigestInput): Promise<DigestVerifyResult> {
  const realm = input.realm ?? DEFAULT_REALM;
  const parsed = parseDigestAuthorization(input.header);
  // Another scheme (Basic, Bearer) is no Digest credential at all: answer with the challenge.
  if (!parsed.ok) return fail(parsed.code === "MISSING" || parsed.code === "NOT_DIGEST" ? "MISSING" : "MALFORMED");
  const p = parsed.params;
  const user = digestUsername(p);
  if (!user.ok) return fail("MALFORMED");
  const { username } = user;
  const [nonce, uri, response, clientRealm] = [p.get("nonce"), p.get("uri"), p.get("response"), p.get("realm")];
  if (nonce === undefined || uri === undefined || response === undefined || clientRealm === undefined) return fail("MALFORMED", username);

  const alg = parseAlgorithm(p.get("algorithm"));
  if (!alg.ok) return fail("UNSUPPORTED_ALGORITHM", username);
  // qop-less RFC 2069 responses carry no client nonce, and auth-int would mean hashing bodies we
  // have not read yet; we always challenge with qop="auth", so anything else is refused.
  const qop = p.get("qop");
  if (qop === undefined || qop.toLowerCase() !== "auth") return fail("UNSUPPORTED_QOP", username);
  const [nc, cnonce] = [p.get("nc"), p.get("cnonce")];
  // nc is taken loosely: urllib counts per process (in decimal), so no per-nonce sequence is kept.
  // A captured request sent again unchanged is caught by the replay cache (replay.ts) instead.
  if (nc === undefined || !/^[0-9a-fA-F]{1,16}$/.test(nc) || !cnonce) return fail("MALFORMED", username);
  if (!digestUriMatches(uri, input.uri)) return fail("URI_MISMATCH", username);
  // Our HA1 is bound to our realm, so a response for another realm cannot be right.
  if (clientRealm !== realm) return fail("BAD_RESPONSE", username);

  const fresh = verifyNonce(nonce, { key: input.nonceKey, now: input.now ?? clockNow(), ttlMs: input.nonceTtlMs });
  // A nonce we cannot read was not issued by us either: both are forgeries, never stale.
  if (!fresh.ok && fresh.code !== "NONCE_EXPIRED") return fail("NONCE_FORGED", username);

  const credential = await input.lookup(username);
  if (!credential) return fail("UNKNOWN_USER", username);
  const ha1 = ha1Of(credential, alg.algorithm, username, realm);
  if (ha1 === undefined) return fail("UNSUPPORTED_ALGORITHM", username);
  const expected = digestResponse({ algorithm: alg.algorithm, ha1, method: input.method, uri, nonce, nc, cnonce, qop });
  // Constant time, so the response cannot be learned a byte at a time. Lengths are public: they
  // follow from the algorithm.
  const matches = response.length === expected.length && HEX.test(response) && timingSafeEqual(Buffer.from(response.toLowerCase()), Buffer.from(expected));
  if (!matches) return fail("BAD_RESPONSE", username);
  // RFC 7616 §3.3: stale only when the digest is valid for the old nonce.
  if (!fresh.ok) return fail("NONCE_EXPIRED", username, true);
  // Only a correct response is remembered, so unauthenticated traffic cannot fill the cache.
  if (input.replayCache && !input.replayCache.firstUse(nonce, response, (input.now ?? clockNow()).getTime())) return fail("REPLAYED", username);
  return { ok: true, username, algorithm: alg.algorithm };
}
