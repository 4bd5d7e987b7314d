import "server-only";
import { randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { now } from "../../clock";
import { seal, unsealString } from "../../secrets";
import type { Runtime } from "../runtime";
import { ACCESS_TOKEN_TTL_SECONDS } from "../../oauth/access-token";

// The keys that sign access tokens. A new one is made every ROTATE_AFTER; older ones stay
// verifiable until every token they signed has expired, then they are deleted.

const ROTATE_AFTER_MS = 30 * 86_400_000;
const purpose = (kid: string) => `oauth-signing-key:${kid}`;

type Active = { kid: string; privateJwk: JWK; createdAt: number };
type SigningCache = { active?: Active; publics: Map<string, JWK> };
// One cache per store (tests open many), kept on globalThis across Next's separate bundles.
const g = globalThis as unknown as { __gatehouseSigning?: WeakMap<object, SigningCache> };
function cacheOf(rt: Runtime): SigningCache {
  const all = (g.__gatehouseSigning ??= new WeakMap());
  let c = all.get(rt.store);
  if (!c) all.set(rt.store, (c = { publics: new Map() }));
  return c;
}

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
    c.active = { kid: newest.kid, privateJwk: JSON.parse(unsealString(rt.masterKey, purpose(newest.kid), newest.sealedPrivateJwk)), createdAt: new Date(newest.createdAt).getTime() };
    return c.active;
  });
}

/** The public JWK for a kid (cached; a kid not in the store is unknown). */
export async function publicKeyFor(rt: Runtime, kid: string): Promise<JWK | undefined> {
  const c = cacheOf(rt);
  const hit = c.publics.get(kid);
  if (hit) return hit;
  const k = (await rt.store.serviceAccounts.signingKeys()).find((x) => x.kid === kid);
  if (!k) return undefined;
  const jwk = JSON.parse(k.publicJwk) as JWK;
  c.publics.set(kid, jwk);
  return jwk;
}
