import "server-only";
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import pkg from "../../../package.json";
import { OAUTH_MAX_BODY_BYTES } from "../service-accounts/oauth";
import {
  ZAccessListInput,
  ZApiKeyAccessListInput,
  ZAssignApiKeyBody,
  ZCreateApiKeyInput,
  ZCreateProjectApiKeyInput,
  ZUpdateProjectApiKeyInput,
  ZCreateDatabaseUserInput,
  ZCreateEntryInput,
  ZEntryPasswordInput,
  ZSignCsrInput,
  ZCreateServiceAccountInput,
  ZGenerateSecretInput,
  ZProjectAccessInput,
  ZUpdateApiKeyInput,
  ZUpdateServiceAccountInput,
} from "../../schemas";

// /api/openapi.json: generated from the zod schemas the handlers validate with (through
// @asteasolutions/zod-to-openapi), so the document cannot drift from what the API accepts.

type Method = "get" | "post" | "patch" | "delete";
type Route = { method: Method; path: string; summary: string; tag: string; version: string; body?: z.ZodType; ok?: number };

const id = z.string().regex(/^[0-9a-f]{24}$/);
const clientId = z.string().regex(/^mdb_sa_id_[a-f0-9]{24}$/);
const error = z.object({ detail: z.string(), error: z.number().int(), errorCode: z.string(), parameters: z.array(z.unknown()), reason: z.string() });
const list = z.object({ results: z.array(z.unknown()), totalCount: z.number().int(), links: z.array(z.object({ href: z.string(), rel: z.string() })) });

const SA = "2024-08-05";
const V = "2023-01-01";
const V1 = "2026-01-01";
const ROUTES: Route[] = [
  { method: "get", path: "/api/atlas/v2/orgs", summary: "Organizations the caller belongs to", tag: "Organizations", version: V },
  { method: "get", path: "/api/atlas/v2/orgs/{orgId}", summary: "One organization", tag: "Organizations", version: V },
  { method: "get", path: "/api/atlas/v2/orgs/{orgId}/groups", summary: "Projects of an organization", tag: "Projects", version: V },
  { method: "get", path: "/api/atlas/v2/groups", summary: "Every project the caller can see", tag: "Projects", version: V },
  { method: "get", path: "/api/atlas/v2/groups/{groupId}", summary: "One project", tag: "Projects", version: V },
  { method: "get", path: "/api/atlas/v2/orgs/{orgId}/serviceAccounts", summary: "Service accounts", tag: "Service Accounts", version: SA },
  { method: "post", path: "/api/atlas/v2/orgs/{orgId}/serviceAccounts", summary: "Create a service account (the secret is in this response only)", tag: "Service Accounts", version: SA, body: ZCreateServiceAccountInput.omit({ orgId: true }), ok: 201 },
  { method: "get", path: "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}", summary: "One service account (secrets masked)", tag: "Service Accounts", version: SA },
  { method: "patch", path: "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}", summary: "Change name, description or roles", tag: "Service Accounts", version: SA, body: ZUpdateServiceAccountInput.omit({ orgId: true, clientId: true, version: true }) },
  { method: "delete", path: "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}", summary: "Delete (its tokens stop working at once)", tag: "Service Accounts", version: SA, ok: 204 },
  { method: "get", path: "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/groups", summary: "Projects the account has roles in", tag: "Service Accounts", version: SA },
  { method: "post", path: "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets", summary: "Generate a new secret (at most two active)", tag: "Service Accounts", version: SA, body: ZGenerateSecretInput.omit({ orgId: true, clientId: true }), ok: 201 },
  { method: "delete", path: "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}", summary: "Revoke a secret and its tokens", tag: "Service Accounts", version: SA, ok: 204 },
  { method: "get", path: "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList", summary: "API Access List", tag: "Service Accounts", version: SA },
  { method: "post", path: "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList", summary: "Add IP addresses or CIDR blocks", tag: "Service Accounts", version: SA, body: ZAccessListInput.shape.entries, ok: 201 },
  { method: "delete", path: "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList/{ipAddress}", summary: "Remove an entry (CIDR slash as %2F)", tag: "Service Accounts", version: SA, ok: 204 },
  { method: "get", path: "/api/atlas/v2/groups/{groupId}/serviceAccounts", summary: "Service accounts with roles in the project", tag: "Service Accounts", version: SA },
  { method: "post", path: "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}:invite", summary: "Give an organization's service account roles in the project", tag: "Service Accounts", version: SA, body: ZProjectAccessInput.pick({ roles: true }) },
  { method: "delete", path: "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}", summary: "Remove a service account from the project", tag: "Service Accounts", version: SA, ok: 204 },
  { method: "get", path: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList", summary: "An API key's API Access List", tag: "API Keys", version: V },
  { method: "post", path: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList", summary: "Add IP addresses or CIDR blocks", tag: "API Keys", version: V, body: ZApiKeyAccessListInput.shape.entries, ok: 201 },
  { method: "delete", path: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList/{ipAddress}", summary: "Remove an entry (CIDR slash as %2F)", tag: "API Keys", version: V, ok: 204 },
  { method: "get", path: "/api/atlas/v2/orgs/{orgId}/apiKeys", summary: "Programmatic API keys", tag: "API Keys", version: V },
  { method: "post", path: "/api/atlas/v2/orgs/{orgId}/apiKeys", summary: "Create an API key (the private key is in this response only)", tag: "API Keys", version: V, body: ZCreateApiKeyInput.omit({ orgId: true }), ok: 201 },
  { method: "get", path: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}", summary: "One API key", tag: "API Keys", version: V },
  { method: "patch", path: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}", summary: "Change description or roles", tag: "API Keys", version: V, body: ZUpdateApiKeyInput.omit({ orgId: true, apiKeyId: true, version: true }) },
  { method: "delete", path: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}", summary: "Delete an API key", tag: "API Keys", version: V, ok: 204 },
  { method: "get", path: "/api/atlas/v2/groups/{groupId}/apiKeys", summary: "The organization's API keys with roles in the project", tag: "API Keys", version: V },
  { method: "post", path: "/api/atlas/v2/groups/{groupId}/apiKeys", summary: "Create an organization API key with roles in this project only (the private key is in this response only)", tag: "API Keys", version: V, body: ZCreateProjectApiKeyInput.omit({ projectId: true }), ok: 201 },
  { method: "post", path: "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}", summary: "Assign an organization API key to the project (replaces its roles there)", tag: "API Keys", version: V, body: ZAssignApiKeyBody },
  { method: "patch", path: "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}", summary: "Change an assigned key's roles in the project, or its description", tag: "API Keys", version: V, body: ZUpdateProjectApiKeyInput.omit({ projectId: true, apiKeyId: true }) },
  { method: "delete", path: "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}", summary: "Unassign an API key from the project", tag: "API Keys", version: V, ok: 204 },
  { method: "get", path: "/api/atlas/v2/groups/{groupId}/databaseUsers", summary: "Database users", tag: "Database Users", version: V },
  { method: "post", path: "/api/atlas/v2/groups/{groupId}/databaseUsers", summary: "Create a database user (X.509 in $external, password in admin)", tag: "Database Users", version: V, body: ZCreateDatabaseUserInput.pick({ username: true, password: true, description: true, deleteAfterDate: true }).extend({ databaseName: z.enum(["admin", "$external"]), x509Type: z.enum(["NONE", "CUSTOMER"]).optional(), roles: z.array(z.object({ roleName: z.string(), databaseName: z.string(), collectionName: z.string().optional() })) }), ok: 201 },
  { method: "get", path: "/api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}", summary: "One database user", tag: "Database Users", version: V },
  { method: "patch", path: "/api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}", summary: "Change roles, password or description", tag: "Database Users", version: V },
  { method: "delete", path: "/api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}", summary: "Delete a database user", tag: "Database Users", version: V, ok: 204 },
  { method: "get", path: "/api/atlas/v2/groups/{groupId}/userSecurity", summary: "Self-managed X.509 CAs", tag: "Security", version: V },
  { method: "patch", path: "/api/atlas/v2/groups/{groupId}/userSecurity", summary: "Set the CAs of self-managed X.509", tag: "Security", version: V, body: z.object({ customerX509: z.object({ cas: z.string() }) }), ok: 202 },
  { method: "delete", path: "/api/atlas/v2/groups/{groupId}/userSecurity/customerX509", summary: "Turn self-managed X.509 off", tag: "Security", version: V, ok: 202 },
  { method: "get", path: "/api/v1/groups/{groupId}/keystore", summary: "Key Store entries (no key material)", tag: "Key Store", version: V1 },
  { method: "post", path: "/api/v1/groups/{groupId}/keystore", summary: "New: a key pair and its certificate (self-signed or signed by a CA alias + its password)", tag: "Key Store", version: V1, body: z.object(ZCreateEntryInput.shape).omit({ projectId: true, confirmPassword: true }), ok: 201 },
  { method: "post", path: "/api/v1/groups/{groupId}/keystore/{entryId}/csr", summary: "Cert Request: the entry's password → a PKCS#10 CSR (PEM)", tag: "Key Store", version: V1, body: ZEntryPasswordInput.pick({ password: true }) },
  { method: "post", path: "/api/v1/groups/{groupId}/signer", summary: "Certificate Signer: sign a CSR (PEM) with a CA alias and its password", tag: "Key Store", version: V1, body: ZSignCsrInput.omit({ projectId: true }).extend({ csr: z.string() }), ok: 201 },
  { method: "get", path: "/api/v1/groups/{groupId}/keystore/{entryId}", summary: "One entry: fields, trust, MongoDB user name", tag: "Key Store", version: V1 },
  { method: "get", path: "/api/v1/groups/{groupId}/keystore/{entryId}/certificate", summary: "Export the certificate (?format=pem|der)", tag: "Key Store", version: V1 },
  { method: "get", path: "/api/v1/groups/{groupId}/connectors", summary: "Connectors and their status", tag: "Connectors", version: V1 },
  { method: "get", path: "/api/v1/groups/{groupId}/connectors/{connectorId}", summary: "One connector: status and history", tag: "Connectors", version: V1 },
  { method: "post", path: "/api/v1/groups/{groupId}/connectors/{connectorId}/check", summary: "Run a connectivity check now", tag: "Connectors", version: V1 },
  { method: "get", path: "/api/v1/orgs/{orgId}/events", summary: "Organization audit events (?actor&action&from&to&page)", tag: "Audit", version: V1 },
  { method: "get", path: "/api/v1/groups/{groupId}/events", summary: "Project audit events (?actor&action&from&to&page)", tag: "Audit", version: V1 },
];

const PARAMS: Record<string, z.ZodType> = { orgId: id, groupId: id, clientId, secretId: id, apiUserId: id, entryId: id, connectorId: id, ipAddress: z.string(), databaseName: z.string(), username: z.string() };

let cached: object | undefined;

// RFC 6749 §5.2. The endpoints' own replies (lib/server/service-accounts/oauth.ts, lib/next/oauth-route.ts).
const OAUTH_ERROR = z.object({ error: z.string(), error_description: z.string().optional() });
const OAUTH_COMMON_ERRORS = {
  405: { description: "Not POST (OPTIONS answers 204)" },
  413: { description: `invalid_request: the body is over ${OAUTH_MAX_BODY_BYTES} bytes`, content: { "application/json": { schema: OAUTH_ERROR } } },
  500: { description: "server_error, with an event id for the server's log", content: { "application/json": { schema: OAUTH_ERROR } } },
};

export function openApiDocument(): object {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "A service account's access token from POST /api/oauth/token (client credentials)." });
  registry.registerComponent("securitySchemes", "digest", { type: "http", scheme: "digest", description: "A programmatic API key: public key as user name, private key as password." });
  registry.registerPath({
    method: "post",
    path: "/api/oauth/token",
    summary: "OAuth 2.0 client credentials (RFC 6749 §4.4): HTTP Basic with the Client ID and Secret",
    tags: ["OAuth 2.0"],
    request: { body: { content: { "application/x-www-form-urlencoded": { schema: z.object({ grant_type: z.literal("client_credentials") }) } } } },
    responses: {
      200: { description: "An access token", content: { "application/json": { schema: z.object({ access_token: z.string(), token_type: z.literal("Bearer"), expires_in: z.number().int() }) } } },
      400: { description: "invalid_request or unsupported_grant_type", content: { "application/json": { schema: OAUTH_ERROR } } },
      401: { description: "invalid_client (with WWW-Authenticate: Basic)", content: { "application/json": { schema: OAUTH_ERROR } } },
      403: { description: "access_denied: the service account already holds 100 active tokens", content: { "application/json": { schema: OAUTH_ERROR } } },
      429: { description: "Rate limited per client and IP address (with Retry-After)" },
      ...OAUTH_COMMON_ERRORS,
    },
  });
  registry.registerPath({
    method: "post",
    path: "/api/oauth/revoke",
    summary: "Revoke an access token (RFC 7009)",
    tags: ["OAuth 2.0"],
    request: { body: { content: { "application/x-www-form-urlencoded": { schema: z.object({ token: z.string(), token_type_hint: z.string().optional() }) } } } },
    responses: { 200: { description: "Revoked, or not a token of this client (empty body)" }, 400: { description: "invalid_request", content: { "application/json": { schema: OAUTH_ERROR } } }, 401: { description: "invalid_client", content: { "application/json": { schema: OAUTH_ERROR } } }, ...OAUTH_COMMON_ERRORS },
  });
  for (const r of ROUTES) {
    const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const media = `application/vnd.atlas.${r.version}+json`;
    registry.registerPath({
      method: r.method,
      path: r.path,
      summary: r.summary,
      tags: [r.tag],
      security: [{ bearer: [] }, { digest: [] }],
      request: {
        ...(names.length ? { params: z.object(Object.fromEntries(names.map((n) => [n, PARAMS[n] ?? z.string()]))) } : {}),
        ...(r.body ? { body: { content: { [media]: { schema: r.body } } } } : {}),
      },
      responses: {
        [r.ok ?? 200]: r.ok === 204 ? { description: "Done" } : { description: "OK", content: { [media]: { schema: r.method === "get" && !r.path.match(/\}$/) ? list : z.unknown() } } },
        400: { description: "Bad input", content: { "application/json": { schema: error } } },
        401: { description: "Not authenticated (Digest challenge first)" },
        403: { description: "IP address not on the API Access List" },
        404: { description: "Not found, or not visible to the caller", content: { "application/json": { schema: error } } },
      },
    });
  }
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: { title: "Gatehouse Admin API", version: pkg.version, description: "An Atlas-compatible subset under /api/atlas/v2 and Gatehouse's own endpoints under /api/v1. Every call is authorized by the same role table as the console." },
  });
  return cached;
}

export const OPENAPI_ROUTES = ROUTES;
