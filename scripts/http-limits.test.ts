import { createServer, request, type IncomingMessage, type Server } from "node:http";
import { once } from "node:events";
import { connect, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { LINGER_MS, bodyRefused, limitBody } from "./http-limits.mjs";

const MAX = 1024;
let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A server that, like Next.js, reads the whole body after limitBody lets the request through. */
async function serve() {
  const seen: { body?: string; readError?: string; refused?: boolean; handled: number } = { handled: 0 };
  server = createServer((req, res) => {
    if (!limitBody(req, res, MAX)) return;
    seen.handled++;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", (e) => ((seen.readError = e.message), (seen.refused = bodyRefused(req))));
    req.on("aborted", () => (seen.refused = bodyRefused(req)));
    req.on("end", () => {
      seen.body = Buffer.concat(chunks).toString("utf8");
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`got ${seen.body.length}`);
    });
  });
  const port = await new Promise<number>((r) => server!.listen(0, "127.0.0.1", () => r((server!.address() as AddressInfo).port)));
  return { port, seen };
}

type Reply = { status: number; type?: string; body: string };
/** Sends `chunks` one by one (chunked unless `length` is given), a few ms apart. */
function send(port: number, chunks: string[], length?: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (length !== undefined) headers["content-length"] = String(length);
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", headers }, (res: IncomingMessage) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, type: res.headers["content-type"], body }));
    });
    req.on("error", reject);
    req.setTimeout(5000, () => req.destroy(new Error("no answer within 5 s")));
    let i = 0;
    const next = () => {
      if (req.destroyed) return;
      if (i < chunks.length) {
        req.write(chunks[i++]!, () => setTimeout(next, 5));
      } else req.end();
    };
    if (length !== undefined && chunks.length === 0) req.flushHeaders();
    else next();
  });
}

/** A raw chunked upload: `before` bytes, then more for `moreMs` after the answer, then FIN (or a reset). */
async function rawChunked(port: number, before: number, moreMs: number, finish: "end" | "reset") {
  const socket = connect({ host: "127.0.0.1", port, allowHalfOpen: true });
  await once(socket, "connect");
  socket.write("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  const chunk = (n: number) => `${n.toString(16)}\r\n${"x".repeat(n)}\r\n`;
  let answer = "";
  socket.setEncoding("utf8");
  socket.on("data", (d) => (answer += d));
  const errors: string[] = [];
  socket.on("error", (e) => errors.push(e.message));
  socket.write(chunk(before));
  const answeredAt = await new Promise<number>((r) => {
    const check = setInterval(() => answer.includes("\r\n\r\n") && (clearInterval(check), r(performance.now())), 2);
  });
  if (finish === "reset") {
    socket.resetAndDestroy();
    return { answer, errors, answeredAt };
  }
  const until = answeredAt + moreMs;
  while (performance.now() < until && !socket.destroyed) {
    socket.write(chunk(16 * 1024));
    await new Promise((r) => setTimeout(r, 5));
  }
  const finAt = performance.now();
  socket.end("0\r\n\r\n");
  await once(socket, "close");
  return { answer, errors, answeredAt, finAt, closedAt: performance.now() };
}

describe("the body size limit in front of Next.js", () => {
  it("refuses an announced body over the limit without reading it, and never calls the handler", async () => {
    const { port, seen } = await serve();
    const r = await send(port, [], MAX + 1);
    expect(r.status).toBe(413);
    expect(r.type).toBe("application/json");
    expect(JSON.parse(r.body)).toMatchObject({ error: 413, errorCode: "PAYLOAD_TOO_LARGE" });
    expect(seen.handled).toBe(0);
  });

  it("lets a chunked body under the limit through whole", async () => {
    const { port, seen } = await serve();
    const r = await send(port, ["a".repeat(400), "b".repeat(400), "c".repeat(200)]);
    expect(r).toMatchObject({ status: 200, body: "got 1000" });
    expect(seen.body).toBe("a".repeat(400) + "b".repeat(400) + "c".repeat(200));
  });

  it("refuses a chunked body as soon as it passes the limit: 413, and the handler never gets the body", async () => {
    const { port, seen } = await serve();
    // Far more than the limit, sent slowly: the answer must come once the limit is passed.
    const r = await send(port, Array.from({ length: 50 }, () => "x".repeat(300)));
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ errorCode: "PAYLOAD_TOO_LARGE" });
    expect(seen.body).toBeUndefined();
    // The handler waiting for the body learns it was cut off once the connection closes (after
    // the client stopped sending, or LINGER_MS).
    await expect.poll(() => seen.refused, { timeout: LINGER_MS + 2000 }).toBe(true);
    expect(seen.body).toBeUndefined();
  });

  it("a client still uploading gets the 413, not a connection reset (the rest is read and dropped, then the connection closes)", async () => {
    const { port, seen } = await serve();
    const body = "x".repeat(4 * 1024 * 1024);
    const errors: string[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const r = await new Promise<Reply>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", headers: { "content-length": String(body.length) } }, (res: IncomingMessage) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode!, type: res.headers["content-type"], body: text }));
        });
        req.on("error", (e) => (errors.push(e.message), reject(e)));
        req.end(body); // all of it, as fast as the connection takes it
        // Busy for a moment, as a client is: an immediate close would reset the connection under it.
        for (const t = performance.now(); performance.now() - t < 150; );
      });
      expect(r.status).toBe(413);
      expect(performance.now() - started).toBeLessThan(LINGER_MS + 1500);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(errors).toEqual([]);
    expect(seen.handled).toBe(0);
  });

  it("after refusing a chunked upload it goes on reading (and dropping) it, and closes as soon as the client stops", async () => {
    const { port, seen } = await serve();
    const r = await rawChunked(port, 2 * MAX, 300, "end");
    expect(r.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.errors).toEqual([]); // no reset under the client while it was still sending
    expect(r.closedAt! - r.finAt!).toBeLessThan(LINGER_MS / 2); // closed on the client's FIN, not by the timer
    await expect.poll(() => seen.refused, { timeout: 1000 }).toBe(true);
    expect(seen.body).toBeUndefined();
  });

  it("a handler waiting for a refused body hears of it when the client resets the connection", async () => {
    const { port, seen } = await serve();
    await rawChunked(port, 2 * MAX, 0, "reset");
    await expect.poll(() => seen.refused, { timeout: LINGER_MS + 1000 }).toBe(true);
    expect(seen.body).toBeUndefined();
  });

  it("lets a request without a body through", async () => {
    const { port, seen } = await serve();
    const r = await send(port, [], 0);
    expect(r).toMatchObject({ status: 200, body: "got 0" });
    expect(seen.handled).toBe(1);
  });
});
