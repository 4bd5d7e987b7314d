import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import securityHeaders from "../lib/next/security-headers.json";
import { DIRECT_PATHS, loadDirectRoutes } from "./direct-routes.mjs";

// A build directory shaped like Next's: server/pages-manifest.json naming CommonJS modules that
// export `default` (the handler) and `config`, as Next's pages-api template does.
const dirs: string[] = [];
let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ECHO = `module.exports = { config: { api: { bodyParser: false } }, default: async (req, res) => {
  res.statusCode = 200;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ route: __filename.split("/").pop(), url: req.url, headers: req.headers }));
} };`;

function fakeBuild(modules: Record<string, string> = { "/api/oauth/token": ECHO, "/api/oauth/revoke": ECHO }) {
  const dist = mkdtempSync(join(tmpdir(), "gatehouse-direct-"));
  dirs.push(dist);
  mkdirSync(join(dist, "server", "pages", "api", "oauth"), { recursive: true });
  const manifest: Record<string, string> = { "/_app": "pages/_app.js" };
  for (const [path, code] of Object.entries(modules)) {
    manifest[path] = `pages${path}.js`;
    writeFileSync(join(dist, "server", `pages${path}.js`), code);
  }
  writeFileSync(join(dist, "server", "pages-manifest.json"), JSON.stringify(manifest));
  return dist;
}

/** The server.mjs shape: the direct routes first, anything else to "Next" (here a 404 marker). */
async function serve(dist: string) {
  const direct = loadDirectRoutes({ distDir: dist, port: 4321, headers: securityHeaders });
  server = createServer((req, res) => {
    const served = direct(req, res);
    if (served) return void served.catch(() => res.destroy());
    res.statusCode = 404;
    res.end("next");
  });
  return new Promise<number>((r) => server!.listen(0, "127.0.0.1", () => r((server!.address() as AddressInfo).port)));
}

function send(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end("grant_type=client_credentials");
  });
}

describe("direct routes (the OAuth endpoints without Next's router)", () => {
  it("serves exactly the OAuth paths, a query string allowed; every other spelling goes to Next", async () => {
    const port = await serve(fakeBuild());
    expect(DIRECT_PATHS).toEqual(["/api/oauth/token", "/api/oauth/revoke"]);
    for (const [path, route] of [["/api/oauth/token", "token.js"], ["/api/oauth/revoke", "revoke.js"], ["/api/oauth/token?x=1", "token.js"]] as const) {
      const r = await send(port, path);
      expect(r.status, path).toBe(200);
      expect(JSON.parse(r.body)).toMatchObject({ route, url: path });
    }
    for (const path of ["/api/oauth/token/", "/api/oauth/tokens", "//api/oauth/token", "/api/oauth/%74oken", "/api/oauth", "/"]) {
      const r = await send(port, path);
      expect([r.status, r.body], path).toEqual([404, "next"]);
    }
  });

  it("adds the security headers next.config.ts sends everywhere, and the X-Forwarded-* headers Next fills from the socket", async () => {
    const port = await serve(fakeBuild());
    const r = await send(port, "/api/oauth/token", { host: "gatehouse.example:8443" });
    for (const { key, value } of securityHeaders) expect(r.headers[key.toLowerCase()], key).toBe(value);
    expect(JSON.parse(r.body).headers).toMatchObject({
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-host": "gatehouse.example:8443",
      "x-forwarded-port": "4321",
      "x-forwarded-proto": "http",
    });
  });

  it("keeps X-Forwarded-* headers that reach it (server.mjs has dropped client-sent ones unless a trusted proxy sets them)", async () => {
    const port = await serve(fakeBuild());
    const r = await send(port, "/api/oauth/token", { "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https", "x-forwarded-host": "console.example", "x-forwarded-port": "443" });
    expect(JSON.parse(r.body).headers).toMatchObject({ "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https", "x-forwarded-host": "console.example", "x-forwarded-port": "443" });
  });

  it("refuses to start on a build that lacks a route, or whose route needs Next's body parser", () => {
    expect(() => loadDirectRoutes({ distDir: fakeBuild({ "/api/oauth/token": ECHO }), port: 1, headers: [] })).toThrow(/no API route for \/api\/oauth\/revoke .*pages-manifest\.json.*npm run build/);
    const parsing = ECHO.replace("bodyParser: false", "bodyParser: true");
    expect(() => loadDirectRoutes({ distDir: fakeBuild({ "/api/oauth/token": ECHO, "/api/oauth/revoke": parsing }), port: 1, headers: [] })).toThrow(/revoke\.js does not set bodyParser: false/);
    expect(() => loadDirectRoutes({ distDir: fakeBuild({ "/api/oauth/token": "module.exports = {};", "/api/oauth/revoke": ECHO }), port: 1, headers: [] })).toThrow(/token\.js exports no request handler/);
  });
});
