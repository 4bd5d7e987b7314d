import "server-only";
import type { Principal } from "../../authz";
import type { ProjectRole } from "../../authz/roles";
import { now } from "../../clock";
import { verifyAccessToken } from "../../oauth/access-token";
import { ipAllowed } from "../../oauth/ip-access";
import type { Runtime } from "../runtime";
import { serviceAccountLabel } from "./dto";
import { issuerOf } from "./oauth";
import { publicKeyFor } from "./signing-keys";

// Every Admin API call with a bearer token: signature (ES256, a key of ours), expiry, not
// revoked, account and secret still there (deleting either deletes the token row), and the
// caller's IP on the account's API Access List when it has one.

export type BearerResult =
  | { ok: true; principal: Principal }
  | { ok: false; status: 401; code: string; message: string }
  | { ok: false; status: 403; code: "IP_ADDRESS_NOT_ON_ACCESS_LIST"; message: string };

const unauthorized = (code: string, message: string): BearerResult => ({ ok: false, status: 401, code, message });

export async function authenticateBearer(rt: Runtime, token: string, ip: string | null): Promise<BearerResult> {
  const at = now();
  const check = await verifyAccessToken(token, { issuer: issuerOf(rt), now: at, publicKey: (kid) => publicKeyFor(rt, kid) });
  if (!check.ok) {
    return unauthorized(check.code, check.code === "TOKEN_EXPIRED" ? "The access token has expired. Request a new one from /api/oauth/token." : "The access token is not valid.");
  }
  const row = await rt.store.serviceAccounts.getToken(check.claims.jti);
  if (!row) return unauthorized("TOKEN_REVOKED", "The access token is no longer valid (its secret or service account was deleted).");
  if (row.revokedAt) return unauthorized("TOKEN_REVOKED", "The access token was revoked.");
  const account = await rt.store.serviceAccounts.get(row.serviceAccountId);
  if (!account || account.clientId !== check.claims.sub) return unauthorized("TOKEN_REVOKED", "The access token is no longer valid (its service account was deleted).");
  const entries = (await rt.store.accessLists.list(account.id)).map((e) => e.entry);
  if (!ipAllowed(ip, entries)) {
    return { ok: false, status: 403, code: "IP_ADDRESS_NOT_ON_ACCESS_LIST", message: `IP address ${ip ?? "(unknown)"} is not on the API Access List of service account ${account.clientId}. Add it (or its CIDR block) to the list.` };
  }
  const projectRoles: Record<string, ProjectRole[]> = {};
  for (const p of await rt.store.serviceAccounts.projects(account.id)) projectRoles[p.projectId] = p.roles;
  return { ok: true, principal: { kind: "service_account", id: account.id, label: serviceAccountLabel(account), orgRoles: { [account.orgId]: account.roles }, projectRoles } };
}
