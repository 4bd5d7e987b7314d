import "server-only";
import { NextResponse } from "next/server";
import { recordAudit } from "../audit";
import { digestChallenge } from "../digest";
import { GatehouseError, isGatehouseError } from "../errors";
import type { PrincipalCtx } from "../server/context";
import { DIGEST_REALM, authenticateDigest, digestNonceKey } from "../server/api-keys/digest-auth";
import { groupCommit } from "../server/group-commit";
import { authenticateBearer } from "../server/service-accounts/bearer";
import { getRuntime, type Runtime } from "../server/runtime";
import { handleServerError } from "./errors";
import { clientIpFrom } from "./client-ip";
import { getRequestCtx } from "./request";

// The one wrapper every Admin API route goes through (DESIGN §9.2): authenticate (bearer token,
// HTTP Digest, or the console session), negotiate the versioned media type, parse the JSON body,
// run one use case (which authorizes itself), answer Atlas's shapes, and audit calls made by
// service accounts and API keys.


const ATLAS_CODES: Record<string, string> = {
  NOT_FOUND: "RESOURCE_NOT_FOUND",
  VALIDATION: "VALIDATION_ERROR",
  BAD_PEM: "VALIDATION_ERROR",
  BAD_PASSWORD: "VALIDATION_ERROR",
  CONFLICT: "DUPLICATE_RESOURCE",
  STALE: "CONFLICT",
  RATE_LIMITED: "RATE_LIMITED",
  UNAUTHENTICATED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  INTERNAL: "UNEXPECTED_ERROR",
};
const REASONS: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 406: "Not Acceptable", 409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type", 429: "Too Many Requests", 500: "Internal Server Error" };

export type ApiVersion = { date: string; contentType: string };

/** `application/vnd.atlas.YYYY-MM-DD+json`: the newest version we have dated on or before the requested one. */
export function negotiateVersion(accept: string | null, versions: readonly string[]): ApiVersion | { error: string } {
  const sorted = [...versions].sort();
  const m = /application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json/i.exec(accept ?? "");
  if (!m) return { date: sorted.at(-1)!, contentType: "application/json" };
  const usable = sorted.filter((v) => v <= m[1]!);
  if (!usable.length) return { error: `This resource has no version dated on or before ${m[1]}; the oldest is ${sorted[0]} (Accept: application/vnd.atlas.${sorted[0]}+json).` };
  return { date: usable.at(-1)!, contentType: `application/vnd.atlas.${usable.at(-1)}+json;charset=utf-8` };
}

export function apiError(status: number, errorCode: string, detail: string, extra: { parameters?: unknown[]; headers?: Record<string, string> } = {}) {
  return NextResponse.json({ detail, error: status, errorCode, parameters: extra.parameters ?? [], reason: REASONS[status] ?? "Error" }, { status, headers: { "cache-control": "no-store", ...extra.headers } });
}

function fromError(err: unknown) {
  const e = handleServerError(err);
  const status = isGatehouseError(err) ? err.status : 500;
  const fields = e.fieldErrors ? Object.keys(e.fieldErrors).filter((k) => k !== "_form") : [];
  return apiError(status, ATLAS_CODES[e.code] ?? e.code, e.message, { parameters: fields, headers: isGatehouseError(err) && err.retryAfterSeconds ? { "retry-after": String(err.retryAfterSeconds) } : {} });
}

/**
 * 401 with exactly one challenge, Digest MD5, as Atlas sends it. Go's digest client reads the
 * first WWW-Authenticate header and rejects any parameter it does not know — and a Response joins
 * repeated headers into one line with ", ", so a second challenge (SHA-256, Bearer) would land in
 * that same line and break it. SHA-256 responses are still accepted from clients that send them.
 */
function unauthorized(rt: Runtime, stale = false) {
  return apiError(401, "UNAUTHORIZED", "You are not authorized for this resource.", { headers: { "www-authenticate": digestChallenge({ realm: DIGEST_REALM, key: digestNonceKey(rt), stale }) } });
}

export type ApiRequest<P> = { ctx: PrincipalCtx; req: Request; params: P; version: ApiVersion; body: () => Promise<unknown>; url: URL };
type Handler<P> = (a: ApiRequest<P>) => Promise<{ status?: number; body?: unknown; headers?: Record<string, string>; raw?: { bytes: Buffer; contentType: string; filename: string } }>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether the browser says the request comes from this origin: Sec-Fetch-Site, or else an Origin
 * naming this host (the host the client asked for, as Next.js's server-action check reads it).
 * A request with neither (not a browser, or a very old one) is not taken as same-origin.
 */
export function fromThisOrigin(req: Request): boolean {
  const site = req.headers.get("sec-fetch-site");
  if (site) return site === "same-origin";
  const origin = req.headers.get("origin");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

async function authenticate(rt: Runtime, req: Request): Promise<{ ok: true; ctx: PrincipalCtx } | { ok: false; res: NextResponse }> {
  const ip = clientIpFrom(req.headers);
  const authorization = req.headers.get("authorization");
  const base = { rt, ip, userAgent: req.headers.get("user-agent"), user: null };
  if (authorization && /^bearer\s+/i.test(authorization)) {
    const r = await authenticateBearer(rt, authorization.replace(/^bearer\s+/i, "").trim(), ip);
    if (r.ok) return { ok: true, ctx: { ...base, principal: r.principal } };
    if (r.status === 403) return { ok: false, res: apiError(403, r.code, r.message) };
    return { ok: false, res: apiError(401, "UNAUTHORIZED", r.message, { headers: { "www-authenticate": `Bearer realm="Gatehouse Admin API", error="invalid_token", error_description="${r.message.replace(/"/g, "'")}"` } }) };
  }
  if (authorization && /^digest\s+/i.test(authorization)) {
    const url = new URL(req.url);
    const r = await authenticateDigest(rt, { header: authorization, method: req.method, uri: url.pathname + url.search, ip });
    if (r.ok) return { ok: true, ctx: { ...base, principal: r.principal } };
    if (r.status === 403) return { ok: false, res: apiError(403, r.code, r.message) };
    return { ok: false, res: unauthorized(rt, r.stale) };
  }
  // The console's own session works too, but a browser sends its cookie with requests other
  // sites make it send: a write on the session must come from a page of this origin.
  if (req.headers.get("cookie")) {
    const session = await getRequestCtx();
    if (session.principal && session.user && !session.user.mustChangePassword) {
      if (!SAFE_METHODS.has(req.method) && !fromThisOrigin(req)) {
        return { ok: false, res: apiError(403, "CROSS_ORIGIN_REQUEST", "A change made with the console's session must come from a Gatehouse page. Scripts and other tools authenticate with an API key (HTTP Digest) or a service account's token.") };
      }
      return { ok: true, ctx: session as PrincipalCtx };
    }
  }
  return { ok: false, res: unauthorized(rt) };
}

export function withApiAuth<P>(opts: { versions: readonly string[]; action: string }, handler: Handler<P>) {
  return async (req: Request, { params }: { params: Promise<P> }) => {
    const rt = getRuntime();
    const auth = await authenticate(rt, req);
    if (!auth.ok) return auth.res;
    const { ctx } = auth;
    const version = negotiateVersion(req.headers.get("accept"), opts.versions);
    if ("error" in version) return apiError(406, "INVALID_VERSION_DATE", version.error);
    const url = new URL(req.url);
    let status = 500;
    try {
      const body = async () => {
        const text = await req.text();
        if (!text.trim()) return {};
        const type = req.headers.get("content-type") ?? "";
        if (!/json/i.test(type)) throw new GatehouseError("VALIDATION", "Send the body as JSON (Content-Type: application/json or application/vnd.atlas.<date>+json).");
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new GatehouseError("VALIDATION", "The request body is not valid JSON.");
        }
      };
      const out = await handler({ ctx, req, params: await params, version, body, url });
      status = out.status ?? 200;
      const res = out.raw
        ? new NextResponse(new Uint8Array(out.raw.bytes), { status, headers: { "content-type": out.raw.contentType, "content-disposition": `attachment; filename="${out.raw.filename}"` } })
        : out.body === undefined
          ? new NextResponse(null, { status })
          : new NextResponse(JSON.stringify(out.body), { status, headers: { "content-type": version.contentType } });
      res.headers.set("cache-control", "no-store");
      for (const [k, v] of Object.entries(out.headers ?? {})) res.headers.set(k, v);
      return res;
    } catch (err) {
      const res = fromError(err);
      status = res.status;
      return res;
    } finally {
      // Machine principals leave a trail of every call, allowed or not (use cases add their own
      // events for changes).
      if (ctx.principal.kind !== "user") {
        const orgId = Object.keys(ctx.principal.orgRoles)[0] ?? null;
        await groupCommit(rt, (tx) => recordAudit(tx, { id: ctx.principal.id, label: ctx.principal.label, ip: ctx.ip }, { action: "api.call", target: `${req.method} ${url.pathname}`.slice(0, 300), orgId, projectId: null, outcome: status < 400 ? "success" : status === 404 || status === 403 ? "denied" : "failure", detail: { status, action: opts.action } })).catch(() => undefined);
      }
    }
  };
}

/** Atlas's list envelope with itemsPerPage / pageNum (1-based, max 500 per page). */
export function listEnvelope<T>(url: URL, all: T[]) {
  const itemsPerPage = Math.min(500, Math.max(1, Number(url.searchParams.get("itemsPerPage")) || 100));
  const pageNum = Math.max(1, Number(url.searchParams.get("pageNum")) || 1);
  const results = all.slice((pageNum - 1) * itemsPerPage, pageNum * itemsPerPage);
  const self = new URL(url);
  const links: { href: string; rel: string }[] = [{ href: self.toString(), rel: "self" }];
  if (pageNum * itemsPerPage < all.length) {
    const next = new URL(url);
    next.searchParams.set("pageNum", String(pageNum + 1));
    links.push({ href: next.toString(), rel: "next" });
  }
  return { links, results, totalCount: all.length };
}
