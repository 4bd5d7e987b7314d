import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getRuntime, type Runtime } from "../server/runtime";
import { OAUTH_MAX_BODY_BYTES, type OAuthReply } from "../server/service-accounts/oauth";
import { clientIpFrom } from "./client-ip";
import { unexpectedError } from "./errors";

// The OAuth 2.0 endpoints (pages/api/oauth/*) are Pages Router API routes, the one place
// Gatehouse leaves the App Router. The token endpoint is the hottest path there is (every Atlas
// client asks for a token before its first call), and an App Router route handler wraps Node's
// request and response in a web Request and Response, with their streams and AbortSignal: on this
// 2-core VM that is about 1 ms more main-thread CPU per request than an API route doing the same
// bare work, and at 200 requests/s about twice the p99. An API route gets Node's request and
// response (Next only decorates them). `npm run bench` measures both bare routes side by side.
// Under `npm start` these handlers are not even reached through Next's router:
// scripts/direct-routes.mjs calls them straight from the HTTP server, so they must stay plain
// Node handlers (no Next.js helpers such as res.status or req.query, and `bodyParser: false`).
// The use cases are the same ones; this file carries the request to them and the reply back.

type FormEndpoint = (rt: Runtime, req: { authorization: string | null; contentType: string | null; body: string; ip: string | null }) => Promise<OAuthReply>;

const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return (Array.isArray(v) ? v.join(", ") : v) ?? null;
};

/** The body as text (UTF-8, a BOM dropped, as a web Request's text() reads it), or null when it is over the limit. */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Past the limit nothing is kept or parsed (the server's own limit, GATEHOUSE_MAX_BODY_BYTES,
  // bounds how much is read and dropped), but it is read to the end: the client gets its answer
  // once it has finished sending.
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size <= OAUTH_MAX_BODY_BYTES) chunks.push(c as Buffer);
  }
  return size > OAUTH_MAX_BODY_BYTES ? null : new TextDecoder().decode(Buffer.concat(chunks));
}

async function replyTo(req: IncomingMessage, endpoint: FormEndpoint): Promise<OAuthReply | null> {
  if (req.method === "OPTIONS") return { status: 204, body: null, headers: { allow: "OPTIONS, POST", ...NO_STORE } };
  if (req.method !== "POST") return { status: 405, body: null, headers: { allow: "OPTIONS, POST", ...NO_STORE } };
  let body: string | null;
  try {
    body = await readBody(req);
  } catch {
    // The client went away mid-body, or the server refused the body as too large and answered
    // 413 already (scripts/http-limits.mjs): nobody to answer, nothing to log.
    return null;
  }
  if (body === null) return { status: 413, body: { error: "invalid_request", error_description: `The request body is larger than ${OAUTH_MAX_BODY_BYTES} bytes; a token request needs only a few hundred.` }, headers: NO_STORE };
  try {
    return await endpoint(getRuntime(), { authorization: header(req, "authorization"), contentType: header(req, "content-type"), body, ip: clientIpFrom(req.headers) });
  } catch (err) {
    // Whatever it was (a failed unsealing included), the client learns only that it failed, and
    // the log has the rest under the event id the client is given.
    return { status: 500, body: { error: "server_error", error_description: unexpectedError(err).message }, headers: NO_STORE };
  }
}

/** A form endpoint: the body as text, the client IP as Next passes it, the reply as JSON. */
export function oauthRoute(endpoint: FormEndpoint) {
  return async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = await replyTo(req, endpoint);
    if (!reply || res.headersSent || res.destroyed) return;
    res.statusCode = reply.status;
    for (const [k, v] of Object.entries(reply.headers)) res.setHeader(k, v);
    if (!reply.body) return void res.end();
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(reply.body));
  };
}
