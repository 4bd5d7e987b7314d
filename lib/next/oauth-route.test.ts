import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { log } from "../log";
import type { OAuthReply } from "../server/service-accounts/oauth";
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
function post(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | string[] } = {}) {
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

  it("answers anything but POST with 405 and Allow: POST, without calling the use case", async () => {
    const endpoint = vi.fn();
    const url = await serve(endpoint);
    for (const method of ["GET", "PUT", "DELETE"]) {
      const r = await post(url, { method });
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe("POST");
    }
    expect(endpoint).not.toHaveBeenCalled();
  });

  it("answers an unexpected failure with an RFC 6749 server_error carrying an event id, and logs it without reaching the client", async () => {
    const logged = vi.spyOn(log, "error").mockImplementation(() => undefined);
    const url = await serve(async () => {
      throw new Error("SQLITE_CORRUPT: database disk image is malformed at /var/lib/gatehouse");
    });
    const r = await post(url, { body: "grant_type=client_credentials" });
    expect(r.status).toBe(500);
    const body = JSON.parse(r.body) as { error: string; error_description: string };
    expect(body.error).toBe("server_error");
    expect(r.body).not.toMatch(/SQLITE|gatehouse\b|malformed/);
    const eventId = (logged.mock.calls[0]![1] as { eventId: string }).eventId;
    expect(body.error_description).toContain(eventId);
  });
});
