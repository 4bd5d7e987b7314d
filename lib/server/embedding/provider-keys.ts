import "server-only";
import { now } from "../../clock";
import { createKeyCache, DEFAULT_FETCH_POLICY, fetchKeyDocument, type FetchPolicy } from "../../embedding/fetch-keys";
import { hs256Secret, rs256FromJwkText, rs256FromPem } from "../../embedding/keys";
import type { TokenProvider, VerifyKey } from "../../embedding/verify-token";
import { unsealString } from "../../secrets";
import type { EmbeddingProviderRecord } from "../../store/embedding-types";
import type { Runtime } from "../runtime";

/** Google's signing keys for ID tokens (its OpenID configuration's jwks_uri). */
export const GOOGLE_JWKS_URL = "https://www.googleapis.com/oauth2/v3/certs";

export const secretPurpose = (providerId: string) => `embedding-provider-secret:${providerId}`;

export const fetchPolicy = (rt: Runtime): FetchPolicy => ({ ...DEFAULT_FETCH_POLICY, allowHosts: rt.config.embeddingFetchAllow });

export function toTokenProvider(p: EmbeddingProviderRecord): TokenProvider {
  const s = p.settings;
  return s.type === "google" ? { id: p.id, name: p.name, type: "google", clientId: s.clientId } : { id: p.id, name: p.name, type: "custom-jwt", algorithm: s.algorithm, audience: s.audience };
}

// Keys from URLs are read on every embedded request: kept five minutes per runtime, a failure
// for fifteen seconds (a broken URL is not hammered, and is retried soon after it is fixed).
const caches = new WeakMap<Runtime, ReturnType<typeof createKeyCache<VerifyKey[]>>>();
function cacheOf(rt: Runtime) {
  let c = caches.get(rt);
  if (!c) caches.set(rt, (c = createKeyCache((u) => fetchUrlKeys(rt, u), { ttlMs: 5 * 60_000, failureTtlMs: 15_000, minRefreshAgeMs: 60_000, now: () => now().getTime() })));
  return c;
}
const urlKeys = (rt: Runtime, url: string) => cacheOf(rt).get(url);

/**
 * Fetches and reads the keys at `url` now (when a provider is saved), and keeps them as the
 * cached keys: a test right after fixing the keys at the issuer sees the fixed ones.
 */
export async function fetchUrlKeys(rt: Runtime, url: string, opts: { remember?: boolean } = {}): Promise<VerifyKey[]> {
  const keys = rs256FromJwkText(await fetchKeyDocument(url, fetchPolicy(rt)), `The document at ${new URL(url).host}`);
  if (opts.remember) cacheOf(rt).set(url, keys);
  return keys;
}

/** The keys that verify `p`'s tokens. Throws with a reason the verdict shows (never the secret). */
export async function providerKeys(rt: Runtime, p: EmbeddingProviderRecord): Promise<VerifyKey[]> {
  const s = p.settings;
  if (s.type === "google") return urlKeys(rt, GOOGLE_JWKS_URL);
  if (s.algorithm === "HS256") {
    if (!p.sealedSecret) throw new Error("the provider has no secret stored; edit it and enter the secret");
    return [hs256Secret(unsealString(rt.masterKey, secretPurpose(p.id), p.sealedSecret))];
  }
  if (s.keySource === "pem") return [rs256FromPem(s.pem)];
  if (s.keySource === "jwk") return rs256FromJwkText(s.jwk);
  return urlKeys(rt, s.url);
}

/**
 * Drops `p`'s cached keys if they came from a URL and are old enough: for a token whose key is
 * not in the cached set, as when the issuer has just rotated its keys. True when the next read fetches.
 */
export function refreshProviderKeys(rt: Runtime, p: EmbeddingProviderRecord): boolean {
  const s = p.settings;
  const url = s.type === "google" ? GOOGLE_JWKS_URL : s.algorithm === "RS256" && s.keySource === "jwks-url" ? s.url : null;
  return url !== null && (caches.get(rt)?.refresh(url) ?? false);
}
