import type { KeyObject } from "node:crypto";
import { compactVerify, decodeProtectedHeader, type CryptoKey } from "jose";
import { EMBED_ERROR, type EmbedErrorCode } from "./codes";

// The rules an embedding authentication provider applies to a user's token (Charts' "Configure
// Embedding Authentication Providers"). A token passes when one configured provider accepts it;
// a refusal carries the Charts error code of the rule that failed and says which, per provider.

export const TOKEN_ALGORITHMS = ["HS256", "RS256"] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];
/** Charts' limit on a custom JWT's lifetime, exp − iat. */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;
/** How far in the future an iat may be before it is "issued in the future" (the issuer's clock may run ahead). */
export const IAT_SKEW_SECONDS = 300;
/** The issuers of Google ID tokens (Google's OpenID configuration). */
export const GOOGLE_ISSUERS = ["accounts.google.com", "https://accounts.google.com"];

export type TokenProvider = { id: string; name: string } & (
  | { type: "custom-jwt"; algorithm: TokenAlgorithm; audience: string | null }
  | { type: "google"; clientId: string }
);

export type VerifyKey = Uint8Array | KeyObject | CryptoKey;

/** A provider's verification keys: its HS256 secret, its PEM key, its JWK(S) — possibly fetched. */
export type KeyResolver = (provider: TokenProvider) => Promise<VerifyKey[]>;

export type ProviderAttempt = { providerId: string; providerName: string; code: EmbedErrorCode; message: string };

export type TokenVerdict =
  | { ok: true; providerId: string; providerName: string; claims: Record<string, unknown> }
  | { ok: false; code: EmbedErrorCode; message: string; attempts: ProviderAttempt[] };

const refuse = (code: EmbedErrorCode, message: string, attempts: ProviderAttempt[] = []): TokenVerdict => ({ ok: false, code, message, attempts });

type Check = { code: EmbedErrorCode; message: string } | null;

function numericDate(claims: Record<string, unknown>, name: "exp" | "iat"): number | "missing" | "invalid" {
  const v = claims[name];
  if (v === undefined) return "missing";
  return typeof v === "number" && Number.isFinite(v) ? v : "invalid";
}

/**
 * exp present and in the future; iat present and not in the future; exp − iat ≤ 24 h. NumericDate
 * claims must be JSON numbers (RFC 7519): the seed's examples quote them as strings, which no JWT
 * library issues, and its "acceptable" example (iat 1585769399, exp 1586002999) in fact spans
 * 64.9 hours — the rule as written, not the example, is what is applied.
 */
function timeRules(claims: Record<string, unknown>, nowS: number, lifetimeRule: boolean): Check {
  const exp = numericDate(claims, "exp");
  if (exp === "missing") return { code: EMBED_ERROR.NO_EXPIRY, message: "The token has no exp (expiration time) claim." };
  if (exp === "invalid") return { code: EMBED_ERROR.INVALID_JWT, message: "The token's exp claim is not a number of seconds since 1970 (RFC 7519 NumericDate)." };
  const iat = numericDate(claims, "iat");
  if (iat === "missing") return { code: EMBED_ERROR.INVALID_JWT, message: "The token has no iat (issued at) claim." };
  if (iat === "invalid") return { code: EMBED_ERROR.INVALID_JWT, message: "The token's iat claim is not a number of seconds since 1970 (RFC 7519 NumericDate)." };
  if (iat > nowS + IAT_SKEW_SECONDS) return { code: EMBED_ERROR.ISSUED_IN_FUTURE, message: `The token was issued in the future (iat is ${iat - nowS} s from now); check the issuer's clock.` };
  if (exp <= iat) return { code: EMBED_ERROR.INVALID_JWT, message: "The token expires before it was issued (exp is not after iat)." };
  if (exp <= nowS) return { code: EMBED_ERROR.EXPIRED, message: `The token expired ${nowS - exp} s ago; the page must get a new one (the SDK asks for it through getUserToken).` };
  if (lifetimeRule && exp - iat > MAX_TOKEN_LIFETIME_SECONDS) {
    return { code: EMBED_ERROR.LIFETIME_TOO_LONG, message: `The token's lifetime (exp − iat) is ${exp - iat} s; at most ${MAX_TOKEN_LIFETIME_SECONDS} s (24 hours) is accepted.` };
  }
  return null;
}

const audiences = (claims: Record<string, unknown>): string[] =>
  typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.filter((a): a is string => typeof a === "string") : [];

function claimRules(provider: TokenProvider, claims: Record<string, unknown>, nowS: number): Check {
  if (provider.type === "google") {
    if (typeof claims.iss !== "string" || !GOOGLE_ISSUERS.includes(claims.iss)) return { code: EMBED_ERROR.NO_MATCHING_PROVIDER, message: "The token was not issued by Google (iss)." };
    if (!audiences(claims).includes(provider.clientId)) return { code: EMBED_ERROR.GOOGLE_CLIENT_ID_MISMATCH, message: `The token was issued for another Google client ID, not ${provider.clientId}.` };
    return timeRules(claims, nowS, false);
  }
  const time = timeRules(claims, nowS, true);
  if (time) return time;
  if (provider.audience !== null && !audiences(claims).includes(provider.audience)) {
    return { code: EMBED_ERROR.AUDIENCE_MISMATCH, message: `The token's aud claim does not contain "${provider.audience}", the audience this provider requires.` };
  }
  return null;
}

const expectedAlg = (p: TokenProvider): TokenAlgorithm => (p.type === "google" ? "RS256" : p.algorithm);

async function signatureVerifies(token: string, alg: TokenAlgorithm, keys: VerifyKey[]): Promise<Record<string, unknown> | "no-match" | "bad-payload"> {
  // Several keys (a JWKS): each is tried until one verifies the signature, as Charts does.
  for (const key of keys) {
    let payload: Uint8Array;
    try {
      ({ payload } = await compactVerify(token, key, { algorithms: [alg] }));
    } catch {
      continue;
    }
    try {
      const claims: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload));
      return claims && typeof claims === "object" && !Array.isArray(claims) ? (claims as Record<string, unknown>) : "bad-payload";
    } catch {
      return "bad-payload";
    }
  }
  return "no-match";
}

async function attempt(token: string, alg: string, provider: TokenProvider, resolveKeys: KeyResolver, nowS: number): Promise<{ claims: Record<string, unknown> } | ProviderAttempt> {
  const fail = (code: EmbedErrorCode, message: string): ProviderAttempt => ({ providerId: provider.id, providerName: provider.name, code, message });
  const want = expectedAlg(provider);
  if (alg !== want) return fail(EMBED_ERROR.NO_MATCHING_PROVIDER, `The token is signed with ${alg}; this provider verifies ${want}.`);
  let keys: VerifyKey[];
  try {
    keys = await resolveKeys(provider);
  } catch (err) {
    return fail(EMBED_ERROR.NO_MATCHING_PROVIDER, `The provider's keys could not be read: ${(err as Error).message}`);
  }
  const verified = await signatureVerifies(token, want, keys);
  if (verified === "no-match") return fail(EMBED_ERROR.NO_MATCHING_PROVIDER, keys.length ? "The signature does not verify with this provider's key." : "The provider has no key that can verify the token.");
  if (verified === "bad-payload") return fail(EMBED_ERROR.INVALID_JWT, "The token's payload is not a JSON object of claims.");
  const rule = claimRules(provider, verified, nowS);
  return rule ? fail(rule.code, rule.message) : { claims: verified };
}

/**
 * Whether one of `providers` accepts `token` at `now`. Syntax and algorithm are checked once;
 * then each provider in turn. When none accepts it, the answer is the rule that failed for a
 * provider whose key verified the signature (that provider was meant), else "no matching
 * provider" — with every provider's reason in `attempts`.
 */
export async function verifyEmbeddingToken(token: string | null | undefined, providers: TokenProvider[], opts: { now: Date; resolveKeys: KeyResolver }): Promise<TokenVerdict> {
  const t = (token ?? "").trim();
  if (!t) return refuse(EMBED_ERROR.TOKEN_REQUIRED, "This chart requires authentication: send the user's token (the SDK's getUserToken).");
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/.test(t)) return refuse(EMBED_ERROR.INVALID_JWT, "The token is not a signed JWT (three base64url parts, the last one a signature).");
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(t);
  } catch {
    return refuse(EMBED_ERROR.INVALID_JWT, "The token's header is not valid JSON.");
  }
  // Extensions a plain JWT never uses (RFC 7515 crit, RFC 7797 unencoded payloads): refused
  // outright, so no library option decides what the signature covers.
  if (header.crit !== undefined || header.b64 !== undefined) return refuse(EMBED_ERROR.INVALID_JWT, "The token's header uses crit or b64, which embedding tokens must not use.");
  const alg: unknown = header.alg;
  if (!TOKEN_ALGORITHMS.includes(alg as TokenAlgorithm)) {
    return refuse(EMBED_ERROR.INVALID_JWT, `The token is signed with ${typeof alg === "string" ? alg : "no algorithm"}; only HS256 and RS256 are accepted.`);
  }
  if (providers.length === 0) return refuse(EMBED_ERROR.NO_PROVIDERS, "No embedding authentication provider is configured for this project; a Project Owner adds one under Embedding › Authentication Settings.");
  const nowS = Math.floor(opts.now.getTime() / 1000);
  const attempts: ProviderAttempt[] = [];
  for (const provider of providers) {
    const r = await attempt(t, alg as string, provider, opts.resolveKeys, nowS);
    if ("claims" in r) return { ok: true, providerId: provider.id, providerName: provider.name, claims: r.claims };
    attempts.push(r);
  }
  const meant = attempts.find((a) => a.code !== EMBED_ERROR.NO_MATCHING_PROVIDER);
  if (meant) return refuse(meant.code, `${meant.providerName}: ${meant.message}`, attempts);
  return refuse(EMBED_ERROR.NO_MATCHING_PROVIDER, attempts.length === 1 ? `${attempts[0]!.providerName}: ${attempts[0]!.message}` : "No authentication provider accepts this token.", attempts);
}
