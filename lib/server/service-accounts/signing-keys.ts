import "server-only";
import { randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK, type KeyObject } from "jose";
import { now } from "../../clock";
import { seal, unsealString } from "../../secrets";
import { perStore } from "../per-store";
import type { Runtime } from "../runtime";
import { ACCESS_TOKEN_TTL_SECONDS } from "../../oauth/access-token";

// The keys that sign access tokens. A new one is made every ROTATE_AFTER; older ones stay
// verifiable until every token they signed has expired, then they are deleted.

const ROTATE_AFTER_MS = 30 * 86_400_000;
const purpose = (kid: string) => `oauth-signing-key:${kid}`;

type Active = { kid: string; privateKey: CryptoKey | KeyObject; createdAt: number };
type SigningCache = { active?: Active; publics: Map<string, CryptoKey | KeyObject> };
const cacheOf = perStore<SigningCache>("signing-keys", () => ({ publics: new Map() }));

export async function activeSigningKey(rt: Runtime): Promise<Active> {
  const c = cacheOf(rt);
  const t = now().getTime();
  if (c.active && t - c.active.createdAt < ROTATE_AFTER_MS) return c.active;
  return rt.store.transaction(async (tx) => {
    const keys = await tx.serviceAccounts.signingKeys();
    let newest = keys[0];
    if (!newest || t - new Date(newest.createdAt).getTime() >= ROTATE_AFTER_MS) {
      const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
      const kid = randomBytes(12).toString("hex");
      const privateJwk = await exportJWK(privateKey);
      const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
      newest = { kid, alg: "ES256", sealedPrivateJwk: seal(rt.masterKey, purpose(kid), JSON.stringify(privateJwk)), publicJwk: JSON.stringify(publicJwk), createdAt: new Date(t).toISOString() };
      await tx.serviceAccounts.insertSigningKey(newest);
    }
    // Keys retired longer ago than a token lives can sign nothing that is still valid.
    for (const k of keys.slice(1)) if (t - new Date(k.createdAt).getTime() > ROTATE_AFTER_MS + ACCESS_TOKEN_TTL_SECONDS * 2000) await tx.serviceAccounts.deleteSigningKey(k.kid);
    const privateJwk = JSON.parse(unsealString(rt.masterKey, purpose(newest.kid), newest.sealedPrivateJwk)) as JWK;
    const active: Active = { kid: newest.kid, privateKey: (await importJWK(privateJwk, "ES256")) as CryptoKey, createdAt: new Date(newest.createdAt).getTime() };
    c.active = active;
    return active;
  });
}

/** The public key for a kid (imported once, cached; a kid not in the store is unknown). */
export async function publicKeyFor(rt: Runtime, kid: string): Promise<CryptoKey | KeyObject | undefined> {
  const c = cacheOf(rt);
  const hit = c.publics.get(kid);
  if (hit) return hit;
  const k = (await rt.store.serviceAccounts.signingKeys()).find((x) => x.kid === kid);
  if (!k) return undefined;
  const key = (await importJWK(JSON.parse(k.publicJwk) as JWK, "ES256")) as CryptoKey;
  c.publics.set(kid, key);
  return key;
}
