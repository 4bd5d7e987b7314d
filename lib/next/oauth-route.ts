import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getRuntime, type Runtime } from "../server/runtime";
import type { OAuthReply } from "../server/service-accounts/oauth";
import { clientIpFrom } from "./client-ip";
import { handleServerError } from "./errors";

// The OAuth 2.0 endpoints (pages/api/oauth/*) are Pages Router API routes, the one place
// Gatehouse leaves the App Router. The token endpoint is the hottest path there is (every Atlas
// client asks for a token before its first call), and an App Router route handler wraps Node's
// request and response in a web Request and Response, with their streams and AbortSignal: on this
// 2-core VM that is ~1 ms more main-thread CPU per request (2.9–3.1 ms against 1.5–2.0 for the same
// bare work), and at 200 requests/s the p99 was 30 ms against 15. An API route gets Node's request
// and response as they are. `npm run bench` measures both bare routes side by side. The use cases
// are the same ones, called the same way; this file only carries the request to them and the
// reply back.

type FormEndpoint = (rt: Runtime, req: { authorization: string | null; contentType: string | null; body: string; ip: string | null }) => Promise<OAuthReply>;

const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return (Array.isArray(v) ? v.join(", ") : v) ?? null;
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A POST-only form endpoint: the body as text, the client IP as Next passes it, the reply as JSON. */
export function oauthRoute(endpoint: FormEndpoint) {
  return async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: OAuthReply;
    if (req.method !== "POST") {
      reply = { status: 405, body: null, headers: { allow: "POST", "cache-control": "no-store" } };
    } else {
      try {
        const body = await readBody(req);
        reply = await endpoint(getRuntime(), { authorization: header(req, "authorization"), contentType: header(req, "content-type"), body, ip: clientIpFrom(req.headers) });
      } catch (err) {
        // The server refused the body as too large and answered 413 already (scripts/http-limits.mjs).
        if (res.headersSent) return;
        reply = { status: 500, body: { error: "server_error", error_description: handleServerError(err).message }, headers: { "cache-control": "no-store" } };
      }
    }
    if (res.headersSent) return;
    res.statusCode = reply.status;
    for (const [k, v] of Object.entries(reply.headers)) res.setHeader(k, v);
    if (!reply.body) return void res.end();
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(reply.body));
  };
}
