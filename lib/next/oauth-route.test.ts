import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { GatehouseError } from "../errors";
import { log } from "../log";
import type { OAuthReply } from "../server/service-accounts/oauth";
import * as revokePage from "../../pages/api/oauth/revoke";
import * as tokenPage from "../../pages/api/oauth/token";
import { OAUTH_MAX_BODY_BYTES } from "../server/service-accounts/oauth";
import { oauthRoute } from "./oauth-route";

vi.mock("../server/runtime", () => ({ getRuntime: () => ({ marker: "runtime" }) }));

// The OAuth endpoints' Pages Router adapter, on a plain node:http server: what reaches the use
// case, and what goes back on the wire.

type Seen = { rt: unknown; req: { authorization: string | null; contentType: string | null; body: string; ip: string | null } };
let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
  vi.restoreAllMocks();
});

async function serve(endpoint: (rt: unknown, req: Seen["req"]) => Promise<OAuthReply>) {
  const handler = oauthRoute(endpoint);
  const srv = createServer((req: IncomingMessage, res: ServerResponse) => void handler(req, res));
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  close = () => srv.close();
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

/** node:http, so that the raw headers (Content-Length, Transfer-Encoding) can be read. */
function post(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | (string | Buffer)[] } = {}) {
  return new Promise<{ status: number; headers: IncomingMessage["headers"]; body: string }>((resolve, reject) => {
    const req = request(url + "/api/oauth/token", { method: opts.method ?? "POST", headers: opts.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    for (const part of [opts.body ?? []].flat()) req.write(part);
    req.end();
  });
}

describe("the OAuth endpoints' route", () => {
  it("hands the use case the runtime, the headers, the whole body (in parts too) and the client IP Next put in X-Forwarded-For", async () => {
    const seen: Seen[] = [];
    const url = await serve(async (rt, req) => {
      seen.push({ rt, req });
      return { status: 200, body: { access_token: "t", token_type: "Bearer", expires_in: 3600 }, headers: { "cache-control": "no-store", "ratelimit-remaining": "9" } };
    });
    const r = await post(url, { headers: { authorization: "Basic YTpi", "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "203.0.113.9, ::ffff:127.0.0.1", "transfer-encoding": "chunked" }, body: ["grant_type=client_", "credentials&é=1"] });
    expect(seen).toEqual([{ rt: { marker: "runtime" }, req: { authorization: "Basic YTpi", contentType: "application/x-www-form-urlencoded", body: "grant_type=client_credentials&é=1", ip: "127.0.0.1" } }]);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ access_token: "t", token_type: "Bearer", expires_in: 3600 });
    expect(r.headers).toMatchObject({ "content-type": "application/json", "cache-control": "no-store", "ratelimit-remaining": "9", "content-length": String(Buffer.byteLength(r.body)) });
  });

  it("sends the use case's status and headers, and no body or content type when it has none", async () => {
    const url = await serve(async () => ({ status: 401, body: null, headers: { "www-authenticate": 'Basic realm="Gatehouse"' } }));
    const r = await post(url, { body: "x" });
    expect(r).toMatchObject({ status: 401, body: "" });
    expect(r.headers["www-authenticate"]).toBe('Basic realm="Gatehouse"');
    expect(r.headers["content-type"]).toBeUndefined();
  });

  it("decodes UTF-8 split across chunks and drops a BOM, as a web Request's text() does", async () => {
    const bodies: string[] = [];
    const url = await serve(async (_rt, req) => {
      bodies.push(req.body);
      return { status: 200, body: {}, headers: {} };
    });
    const e = Buffer.from("é", "utf8");
    await post(url, { headers: { "transfer-encoding": "chunked" }, body: [Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("a="), e.subarray(0, 1), e.subarray(1)] });
    expect(bodies).toEqual(["a=é"]);
  });

  it("answers OPTIONS with 204 and anything but POST with 405, both with Allow, without calling the use case", async () => {
    const endpoint = vi.fn();
    const url = await serve(endpoint);
    expect(await post(url, { method: "OPTIONS" })).toMatchObject({ status: 204, headers: { allow: "OPTIONS, POST", "cache-control": "no-store" } });
    for (const method of ["GET", "PUT", "DELETE"]) {
      const r = await post(url, { method });
      expect(r.status).toBe(405);
      expect(r.headers).toMatchObject({ allow: "OPTIONS, POST", "cache-control": "no-store", pragma: "no-cache" });
    }
    expect(endpoint).not.toHaveBeenCalled();
  });

  it("refuses a body over the limit with 413 before the use case sees it, whether announced or chunked", async () => {
    const endpoint = vi.fn();
    const url = await serve(endpoint);
    const big = "a=" + "x".repeat(OAUTH_MAX_BODY_BYTES);
    for (const r of [await post(url, { body: big }), await post(url, { headers: { "transfer-encoding": "chunked" }, body: [big.slice(0, 9000), big.slice(9000)] })]) {
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body)).toMatchObject({ error: "invalid_request" });
    }
    expect(endpoint).not.toHaveBeenCalled();
    // At the limit exactly, it is read.
    const ok = await serve(async (_rt, req) => ({ status: 200, body: { n: req.body.length }, headers: {} }));
    expect(JSON.parse((await post(ok, { body: big.slice(0, OAUTH_MAX_BODY_BYTES) })).body)).toEqual({ n: OAUTH_MAX_BODY_BYTES });
  });

  it("stays quiet when the client goes away mid-body: no call, no error logged", async () => {
    const logged = vi.spyOn(log, "error").mockImplementation(() => undefined);
    const endpoint = vi.fn();
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const handler = oauthRoute(endpoint);
    const srv = createServer((req, res) => void handler(req, res).finally(done));
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    close = () => srv.close();
    const req = request(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/api/oauth/token`, { method: "POST", headers: { "content-length": "1000" } });
    req.on("error", () => undefined);
    req.write("grant_type=", () => setTimeout(() => req.destroy(), 50));
    await finished;
    expect(endpoint).not.toHaveBeenCalled();
    expect(logged).not.toHaveBeenCalled();
  });

  it("answers any failure of the use case — an expected error too — with an RFC 6749 server_error carrying an event id, and logs what it was", async () => {
    const logged = vi.spyOn(log, "error").mockImplementation(() => undefined);
    for (const failure of [new Error("SQLITE_CORRUPT: database disk image is malformed at /var/lib/gatehouse"), new GatehouseError("MASTER_KEY", "Secrets were sealed under master key 4c894555, not under the current 1c9feee0: set GATEHOUSE_MASTER_KEY.")]) {
      logged.mockClear();
      const url = await serve(async () => {
        throw failure;
      });
      const r = await post(url, { body: "grant_type=client_credentials" });
      expect(r.status).toBe(500);
      expect(r.headers).toMatchObject({ "content-type": "application/json", "cache-control": "no-store", pragma: "no-cache" });
      const body = JSON.parse(r.body) as { error: string; error_description: string };
      expect(body.error).toBe("server_error");
      expect(r.body).not.toMatch(/SQLITE|gatehouse\b|malformed|master key|4c894555|GATEHOUSE_MASTER_KEY/i);
      expect(logged).toHaveBeenCalledTimes(1);
      const fields = logged.mock.calls[0]![1] as { eventId: string; message: string };
      expect(body.error_description).toContain(fields.eventId);
      expect(fields.message).toBe(failure.message);
    }
  });

  it("is what the OAuth endpoints' pages export, with Next's body parser off (else the use case would get an empty body)", () => {
    for (const page of [tokenPage, revokePage]) {
      expect(page.config).toEqual({ api: { bodyParser: false } });
      expect(page.default).toBeTypeOf("function");
    }
  });
});
