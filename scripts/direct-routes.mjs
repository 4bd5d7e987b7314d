// The OAuth 2.0 endpoints, served from their built API routes without Next.js's router.
//
// Why: POST /api/oauth/token is the hottest path Gatehouse has (every Atlas client asks for a
// token before its first call), and #5 asks for p99 < 20 ms at 200 requests/s. Through Next's
// router-server and base server, even a bare API route that only does the endpoint's HMAC compare
// and ES256 signing measured 11–27 ms p99 at that rate on this 2-core VM (`npm run bench`), while
// a plain node:http server measured 5–8 ms: the gap is Next's per-request work (route resolution,
// config headers, tracing, the compression wrapper, request metadata), spread thin over many parts.
// The endpoints are plain Node handlers (lib/next/oauth-route.ts: Node's request and response,
// no Next helpers, `bodyParser: false`), so nothing of that work is theirs.
//
// What stays the same: the code is the one Next builds for pages/api/oauth/*.ts (found through
// Next's own pages-manifest.json and loaded with require(), as Next loads it, so it shares the
// process's module cache and runtime), and Next still serves those paths under `next dev` and any
// path spelled differently (a trailing slash, an encoded letter). What Next's router would have
// done for these two paths is done here: the configured security headers
// (lib/next/security-headers.json, which next.config.ts reads too) and the X-Forwarded-* headers
// Next fills in from the socket when the request has none (server/base-server.js). Next's gzip
// wrapper is not: these replies are a few hundred bytes, under its 1 KiB threshold.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/** The paths served here, exactly as a client spells them (before any query string). */
export const DIRECT_PATHS = ["/api/oauth/token", "/api/oauth/revoke"];

/**
 * Loads the built routes for DIRECT_PATHS from `distDir` (Next's `.next`). Throws, naming the file,
 * when the build lacks one or it would need Next's body parsing (only `bodyParser: false` routes
 * read the request themselves).
 * @param {{ distDir: string, port: number, headers: { key: string, value: string }[] }} opts
 * @returns {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => Promise<void> | null}
 */
export function loadDirectRoutes({ distDir, port, headers }) {
  const serverDir = join(distDir, "server");
  const manifestPath = join(serverDir, "pages-manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const require = createRequire(join(serverDir, "direct-routes.js"));
  /** @type {Map<string, (req: any, res: any) => Promise<void>>} */
  const routes = new Map();
  for (const path of DIRECT_PATHS) {
    const file = manifest[path];
    if (typeof file !== "string") throw new Error(`the build has no API route for ${path} (${manifestPath}); run npm run build`);
    const full = join(serverDir, file);
    const mod = require(full);
    if (typeof mod.default !== "function") throw new Error(`${full} exports no request handler`);
    if (mod.config?.api?.bodyParser !== false) throw new Error(`${full} does not set bodyParser: false, so it needs Next's body parsing and cannot be served without Next's router`);
    routes.set(path, mod.default);
  }
  return (req, res) => {
    const url = req.url ?? "";
    const q = url.indexOf("?");
    const handler = routes.get(q < 0 ? url : url.slice(0, q));
    if (!handler) return null;
    for (const { key, value } of headers) res.setHeader(key, value);
    const h = req.headers;
    const encrypted = Boolean(/** @type {any} */ (req.socket).encrypted);
    h["x-forwarded-host"] ??= h.host;
    h["x-forwarded-port"] ??= String(port);
    h["x-forwarded-proto"] ??= encrypted ? "https" : "http";
    h["x-forwarded-for"] ??= req.socket.remoteAddress;
    return handler(req, res);
  };
}
