import "server-only";
import type { Principal } from "../../authz";
import type { ProjectRole } from "../../authz/roles";
import { now } from "../../clock";
import { DEFAULT_NONCE_TTL_MS, DigestReplayCache, replayWindowMs, verifyDigest } from "../../digest";
import { ipAllowed } from "../../oauth/ip-access";
import { deriveKey, unsealString } from "../../secrets";
import { lastUseIsNews } from "../last-used";
import { perStore } from "../per-store";
import type { Runtime } from "../runtime";
import { privateKeyPurpose } from "./manage";

// HTTP Digest (RFC 7616) for programmatic API keys: the public key is the user name, the private
// key the password. Nonces are stateless and HMAC-signed; an expired one asks for a retry
// (stale=true) instead of failing the client. A request accepted once is refused if sent again
// unchanged (a per-process replay cache, lib/digest/replay.ts).

export const DIGEST_REALM = "MMS Public API";
export const digestNonceKey = (rt: Runtime) => deriveKey(rt.masterKey, "digest-nonce");
const replayCacheOf = perStore("digest-replay", () => new DigestReplayCache({ ttlMs: replayWindowMs(DEFAULT_NONCE_TTL_MS) }));

export type DigestAuthResult =
  | { ok: true; principal: Principal }
  | { ok: false; status: 401; stale: boolean; code: string }
  | { ok: false; status: 403; code: "IP_ADDRESS_NOT_ON_ACCESS_LIST"; message: string };

export async function authenticateDigest(rt: Runtime, req: { header: string; method: string; uri: string; ip: string | null }): Promise<DigestAuthResult> {
  const r = await verifyDigest({
    header: req.header,
    method: req.method,
    uri: req.uri,
    realm: DIGEST_REALM,
    nonceKey: digestNonceKey(rt),
    now: now(),
    replayCache: replayCacheOf(rt),
    lookup: async (publicKey) => {
      const k = await rt.store.apiKeys.getByPublicKey(publicKey);
      return k ? { secret: unsealString(rt.masterKey, privateKeyPurpose(k.id), k.sealedPrivateKey) } : null;
    },
  });
  if (!r.ok) return { ok: false, status: 401, stale: r.stale, code: r.code };
  const k = (await rt.store.apiKeys.getByPublicKey(r.username))!;
  const entries = (await rt.store.accessLists.list(k.id)).map((e) => e.entry);
  if (!ipAllowed(req.ip, entries)) {
    return { ok: false, status: 403, code: "IP_ADDRESS_NOT_ON_ACCESS_LIST", message: `IP address ${req.ip ?? "(unknown)"} is not on the API Access List of API key ${k.publicKey}. Add it (or its CIDR block) to the list.` };
  }
  const projectRoles: Record<string, ProjectRole[]> = {};
  for (const p of await rt.store.apiKeys.projects(k.id)) projectRoles[p.projectId] = p.roles;
  const t = now();
  if (lastUseIsNews(k.lastUsedAt, t)) await rt.store.transaction((tx) => tx.apiKeys.touch(k.id, t.toISOString()));
  return { ok: true, principal: { kind: "api_key", id: k.id, label: `API key ${k.publicKey} (${k.description})`, orgRoles: { [k.orgId]: k.roles }, projectRoles } };
}
