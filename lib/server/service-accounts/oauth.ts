import "server-only";
import { randomBytes } from "node:crypto";
import { recordAudit, type Actor } from "../../audit";
import { now } from "../../clock";
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from "../../oauth/access-token";
import { CLIENT_ID_PATTERN, parseBasicAuth, secretMatches, hashSecret } from "../../oauth/credentials";
import { FixedWindowLimiter } from "../../oauth/rate-limit";
import type { StoreReader } from "../../store";
import type { ServiceAccountRecord } from "../../store/service-accounts-types";
import { lastUseIsNews } from "../last-used";
import type { Runtime } from "../runtime";
import { serviceAccountLabel } from "./dto";
import { secretHashKey } from "./manage";
import { activeSigningKey } from "./signing-keys";

// The OAuth 2.0 authorization server (RFC 6749 §4.4 client credentials, RFC 7009 revocation).
// Errors never tell whether a client exists: unknown client, wrong secret and expired secret all
// answer the same invalid_client.

export const MAX_ACTIVE_TOKENS = 100;
/** A token or revocation request is a few hundred bytes; a larger body is refused (413) without being parsed. */
export const OAUTH_MAX_BODY_BYTES = 16 * 1024;
export type OAuthReply = { status: number; body: Record<string, unknown> | null; headers: Record<string, string> };

const json = (status: number, body: Record<string, unknown> | null, headers: Record<string, string> = {}): OAuthReply => ({ status, body, headers: { "cache-control": "no-store", pragma: "no-cache", ...headers } });
const invalidClient = () => json(401, { error: "invalid_client", error_description: "Client authentication failed: unknown client, or a wrong, revoked or expired secret." }, { "www-authenticate": 'Basic realm="Gatehouse", charset="UTF-8"' });

export const issuerOf = (rt: Runtime) => rt.config.publicUrl ?? "urn:gatehouse";
const accountActor = (a: ServiceAccountRecord, ip: string | null): Actor => ({ id: a.id, label: serviceAccountLabel(a), ip });

const g = globalThis as unknown as { __gatehouseTokenLimiter?: FixedWindowLimiter };
function limiter(rt: Runtime) {
  if (!g.__gatehouseTokenLimiter || g.__gatehouseTokenLimiter.limit !== rt.config.oauthTokensPerMinute) g.__gatehouseTokenLimiter = new FixedWindowLimiter(rt.config.oauthTokensPerMinute);
  return g.__gatehouseTokenLimiter;
}

type Client = { ok: true; clientId: string; clientSecret: string } | { ok: false; reply: OAuthReply };

/**
 * client_secret_basic, or client_secret_post (form fields) — never both. A client id that cannot
 * be one of ours is refused here, before it becomes a rate-limit key: otherwise every request
 * could leave a key of its own choosing, of any size, in the limiter's memory.
 */
function clientOf(authorization: string | null, form: URLSearchParams): Client {
  const basic = parseBasicAuth(authorization);
  const postId = form.get("client_id");
  const postSecret = form.get("client_secret");
  let client: { clientId: string; clientSecret: string } | null = null;
  if (basic.ok) {
    if (postSecret !== null) return { ok: false, reply: json(400, { error: "invalid_request", error_description: "Use one client authentication method: the Authorization header or client_secret in the body, not both." }) };
    client = basic;
  } else if (basic.code !== "MALFORMED" && postId && postSecret) client = { clientId: postId, clientSecret: postSecret };
  if (!client || !CLIENT_ID_PATTERN.test(client.clientId)) return { ok: false, reply: invalidClient() };
  return { ok: true, clientId: client.clientId, clientSecret: client.clientSecret };
}

/** `store` is the writer inside a transaction for the token endpoint, the store itself for revocation. */
async function authenticateClient(rt: Runtime, store: Pick<StoreReader, "serviceAccounts">, c: { clientId: string; clientSecret: string }, at: string) {
  const account = await store.serviceAccounts.getByClientId(c.clientId);
  const key = secretHashKey(rt);
  // The hash lookup runs whether or not the account exists, so timing does not tell them apart.
  const secret = await store.serviceAccounts.secretByHash(hashSecret(key, c.clientSecret));
  if (!account || !secret || secret.serviceAccountId !== account.id || !secretMatches(key, c.clientSecret, secret.hash)) return null;
  if (secret.expiresAt <= at) return null;
  return { account, secret };
}

export async function tokenEndpoint(rt: Runtime, req: { authorization: string | null; contentType: string | null; body: string; ip: string | null }): Promise<OAuthReply> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.contentType ?? "")) {
    return json(400, { error: "invalid_request", error_description: "Send the request as application/x-www-form-urlencoded." });
  }
  const form = new URLSearchParams(req.body);
  const client = clientOf(req.authorization, form);
  if (!client.ok) return client.reply;
  const grant = form.get("grant_type");
  if (!grant) return json(400, { error: "invalid_request", error_description: "grant_type is missing; Gatehouse issues tokens for grant_type=client_credentials." });
  if (grant !== "client_credentials") return json(400, { error: "unsupported_grant_type", error_description: `grant_type "${grant.slice(0, 40)}" is not supported; use client_credentials.` });

  const t = now();
  const iso = t.toISOString();
  const rate = limiter(rt).take(`${client.clientId}|${req.ip ?? "-"}`, t.getTime());
  if (!rate.ok) {
    return json(429, { detail: `Too many token requests from this client and IP address. Reuse the token you have (it lasts ${ACCESS_TOKEN_TTL_SECONDS / 60} minutes) or retry in ${rate.retryAfterSeconds} s.`, error: 429, errorCode: "RATE_LIMITED", parameters: [], reason: "Too Many Requests" }, {
      "retry-after": String(rate.retryAfterSeconds),
      "ratelimit-limit": String(rt.config.oauthTokensPerMinute),
      "ratelimit-remaining": "0",
    });
  }
  // Outside the transaction: the first token ever creates the signing key in a transaction of its own.
  const key = await activeSigningKey(rt);
  // One write transaction from the client's authentication to the audit event. The reads run on
  // the writer's connection, whose page cache stays warm: the reader's is dropped after every
  // commit (SQLite WAL), and each token is a commit. And the 100-token limit is exact: no
  // concurrent request can insert between this request's count and its insert.
  // Relaxed durability — no fsync on the request path: a power loss can only undo the newest
  // issuances, and a token whose row is gone is refused by every bearer check (bearer.ts), so
  // nothing usable is ever unaudited.
  return rt.store.transaction(async (tx) => {
    const auth = await authenticateClient(rt, tx, client, iso);
    if (!auth) return invalidClient();
    if ((await tx.serviceAccounts.countActiveTokens(auth.account.id, iso)) >= MAX_ACTIVE_TOKENS) {
      return json(403, { error: "access_denied", error_description: `This service account already has ${MAX_ACTIVE_TOKENS} active access tokens. Reuse a token until it expires, or revoke tokens you no longer use.` });
    }
    const jti = randomBytes(16).toString("hex");
    const iat = Math.floor(t.getTime() / 1000);
    // A token never outlives the secret that minted it: an expired secret makes no tokens, and
    // none it made goes on working after it.
    const exp = Math.min(iat + ACCESS_TOKEN_TTL_SECONDS, Math.floor(Date.parse(auth.secret.expiresAt) / 1000));
    if (exp <= iat) return invalidClient();
    const token = await signAccessToken({ iss: issuerOf(rt), sub: auth.account.clientId, client_id: auth.account.clientId, jti, iat, exp }, key);
    await tx.serviceAccounts.insertToken({ jti, serviceAccountId: auth.account.id, secretId: auth.secret.id, issuedAt: iso, expiresAt: new Date(exp * 1000).toISOString(), revokedAt: null });
    if (lastUseIsNews(auth.secret.lastUsedAt, t)) await tx.serviceAccounts.touchSecret(auth.secret.id, iso);
    await recordAudit(tx, accountActor(auth.account, req.ip), { action: "oauth.token_issued", target: `service_account:${auth.account.clientId}`, orgId: auth.account.orgId, projectId: null, detail: { jti, secretId: auth.secret.id } });
    return json(200, { access_token: token, token_type: "Bearer", expires_in: exp - iat }, { "ratelimit-limit": String(rt.config.oauthTokensPerMinute), "ratelimit-remaining": String(rate.remaining) });
  }, { durability: "relaxed" });
}

/** RFC 7009: the client revokes its own token; 200 with an empty body whether or not it was valid. */
export async function revokeEndpoint(rt: Runtime, req: { authorization: string | null; contentType: string | null; body: string; ip: string | null }): Promise<OAuthReply> {
  const form = new URLSearchParams(/^application\/x-www-form-urlencoded\b/i.test(req.contentType ?? "") ? req.body : "");
  const client = clientOf(req.authorization, form);
  if (!client.ok) return client.reply;
  const auth = await authenticateClient(rt, rt.store, client, now().toISOString());
  if (!auth) return invalidClient();
  const token = form.get("token");
  if (!token) return json(400, { error: "invalid_request", error_description: "token is missing." });
  // The signature is not needed to revoke: the jti must belong to this client's account.
  const jti = jtiOf(token);
  // Checked and revoked in one transaction: two revocations of one token arriving together
  // record one event.
  if (jti) {
    await rt.store.transaction(async (tx) => {
      const rec = await tx.serviceAccounts.getToken(jti);
      if (!rec || rec.serviceAccountId !== auth.account.id || rec.revokedAt) return;
      await tx.serviceAccounts.revokeToken(rec.jti, now().toISOString());
      await recordAudit(tx, accountActor(auth.account, req.ip), { action: "oauth.token_revoked", target: `service_account:${auth.account.clientId}`, orgId: auth.account.orgId, projectId: null, detail: { jti: rec.jti } });
    });
  }
  return { status: 200, body: null, headers: { "cache-control": "no-store" } };
}

function jtiOf(token: string): string | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { jti?: unknown };
    return typeof payload.jti === "string" && /^[0-9a-f]{32}$/.test(payload.jti) ? payload.jti : null;
  } catch {
    return null;
  }
}

