import "server-only";
import { randomBytes } from "node:crypto";
import { generateKeyPair, type CryptoKey } from "jose";
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from "../oauth/access-token";
import { hashSecret, parseBasicAuth, secretMatches } from "../oauth/credentials";
import type { Principal } from "../authz";
import type { ProjectRole } from "../authz/roles";
import { listMyOrgs } from "./orgs";
import { getRuntime } from "./runtime";
import { secretHashKey } from "./service-accounts/manage";

// `npm run bench` only (GATEHOUSE_BENCH_BASELINE=1; 404 otherwise): the same work as the token
// endpoint and a bearer GET minus everything around it, so the bench can compare the real routes
// with "a bare Next.js route that does only the HMAC compare and ES256 signing", and "the same
// GET without auth".

/** On only when the bench asked for it, and only for a caller on this machine. */
export const benchBaselineEnabled = (ip: string | null) => process.env.GATEHOUSE_BENCH_BASELINE === "1" && (ip === "127.0.0.1" || ip === "::1");

let key: { kid: string; privateKey: CryptoKey } | undefined;

export async function baselineToken(authorization: string | null): Promise<{ status: number; body: object }> {
  const rt = getRuntime();
  const c = parseBasicAuth(authorization);
  if (!c.ok) return { status: 401, body: { error: "invalid_client" } };
  const hmac = secretHashKey(rt);
  // The stored hash the real endpoint looks up, here computed from the presented secret: one HMAC
  // for the hash and one for the constant-time compare, as the real path does.
  if (!secretMatches(hmac, c.clientSecret, hashSecret(hmac, c.clientSecret))) return { status: 401, body: { error: "invalid_client" } };
  if (!key) {
    const { privateKey } = await generateKeyPair("ES256");
    key = { kid: "bench", privateKey };
  }
  const iat = Math.floor(Date.now() / 1000);
  const token = await signAccessToken({ iss: "urn:gatehouse", sub: c.clientId, client_id: c.clientId, jti: randomBytes(16).toString("hex"), iat, exp: iat + ACCESS_TOKEN_TTL_SECONDS }, key);
  return { status: 200, body: { access_token: token, token_type: "Bearer", expires_in: ACCESS_TOKEN_TTL_SECONDS } };
}

/** GET /orgs as the service account `clientId`, without authenticating it. */
export async function baselineOrgs(clientId: string) {
  const rt = getRuntime();
  const a = await rt.store.serviceAccounts.getByClientId(clientId);
  if (!a) return null;
  const projectRoles: Record<string, ProjectRole[]> = {};
  for (const p of await rt.store.serviceAccounts.projects(a.id)) projectRoles[p.projectId] = p.roles;
  const principal: Principal = { kind: "service_account", id: a.id, label: a.name, orgRoles: { [a.orgId]: a.roles }, projectRoles };
  return listMyOrgs({ rt, ip: null, userAgent: null, user: null, principal });
}
