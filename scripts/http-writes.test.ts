import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sendHeadersWithBody } from "./http-writes.mjs";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** Serves one request with `handler`, counting the writes that reach the socket (each one a system call). */
async function serveOnce(hold: boolean, handler: (res: ServerResponse) => Promise<void> | void) {
  let writes = 0;
  server = createServer((req, res) => {
    const socket = res.socket as Socket & { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
    for (const m of ["_write", "_writev"] as const) {
      const orig = socket[m].bind(socket);
      socket[m] = (...a: unknown[]) => {
        writes++;
        return orig(...a);
      };
    }
    if (hold) sendHeadersWithBody(res);
    req.resume();
    // Next runs its response writer in promise callbacks, so do the handlers here.
    req.on("end", () => void Promise.resolve().then(() => handler(res)));
  });
  const port = await new Promise<number>((r) => server!.listen(0, "127.0.0.1", () => r((server!.address() as AddressInfo).port)));
  return { port, writes: () => writes };
}

function get(port: number, onResponse?: (res: IncomingMessage) => void): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent: false }, (res) => {
      onResponse?.(res);
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, type: res.headers["content-type"], body }));
    });
    req.on("error", reject);
    req.end();
  });
}

// What Next.js's response writer does for a route handler's JSON: headers flushed, the one chunk
// written, and the response ended a microtask later (server/pipe-readable.js).
async function likeNext(res: ServerResponse) {
  res.statusCode = 201;
  res.setHeader("content-type", "application/json");
  res.flushHeaders();
  res.write('{"ok":true}');
  await Promise.resolve();
  res.end();
}

describe("sendHeadersWithBody", () => {
  it("sends a short response's headers and body in one socket write", async () => {
    const s = await serveOnce(true, likeNext);
    expect(await get(s.port)).toEqual({ status: 201, type: "application/json", body: '{"ok":true}' });
    expect(s.writes()).toBe(1);
  });

  it("is needed: without it the same response takes two writes", async () => {
    const s = await serveOnce(false, likeNext);
    expect(await get(s.port)).toEqual({ status: 201, type: "application/json", body: '{"ok":true}' });
    expect(s.writes()).toBe(2);
  });

  it("still sends the headers at once when the first body chunk comes later", async () => {
    let headersArrived!: () => void;
    const arrived = new Promise<void>((r) => (headersArrived = r));
    const s = await serveOnce(true, async (res) => {
      res.setHeader("content-type", "text/plain");
      res.flushHeaders();
      // The body is written only once the client has the headers: if they were held back, this never ends.
      await arrived;
      res.end("later");
    });
    const r = await get(s.port, () => headersArrived());
    expect(r).toEqual({ status: 200, type: "text/plain", body: "later" });
  });

  it("leaves a response that never flushes alone", async () => {
    const s = await serveOnce(true, (res) => {
      res.setHeader("content-type", "text/plain");
      res.end("plain");
    });
    expect(await get(s.port)).toEqual({ status: 200, type: "text/plain", body: "plain" });
    expect(s.writes()).toBe(1);
  });
});
