import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { nearestRank, openLoop } from "./load-open";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

function serve(handler: (n: number, res: import("node:http").ServerResponse) => void): Promise<string> {
  let n = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(n++, res));
  });
  return new Promise((r) => server!.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${(server!.address() as AddressInfo).port}`)));
}

describe("nearestRank", () => {
  it("takes the value at rank ceil(p/100 · n)", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(nearestRank(xs, 50)).toBe(50);
    expect(nearestRank(xs, 99)).toBe(99);
    expect(nearestRank(xs, 100)).toBe(100);
    expect(nearestRank([7], 99)).toBe(7);
  });
});

describe("openLoop", () => {
  it("sends at the fixed rate, cycling over the given requests", async () => {
    const seen: string[] = [];
    const url = await serve((_, res) => res.end("ok"));
    server!.on("request", (req) => seen.push(String(req.headers["x-k"])));
    const r = await openLoop({ url, rate: 100, durationS: 1, requests: [0, 1, 2].map((k) => ({ method: "GET", path: "/", headers: { "x-k": String(k) } })) });
    expect(r).toMatchObject({ sent: 100, ok: 100, non2xx: 0, errors: 0 });
    expect(seen.slice(0, 6)).toEqual(["0", "1", "2", "0", "1", "2"]);
    expect(r.rps).toBeGreaterThan(80);
    expect(r.rps).toBeLessThan(120);
  });

  it("keeps sending while one request is slow: other sockets carry the requests due meanwhile", async () => {
    // Request 10 takes 300 ms; a closed-loop generator on one connection would wait and report
    // one slow request. Open loop: the ~30 requests due meanwhile go out on other sockets and
    // answer at once, so only the slow one is slow — and nothing was held back.
    const url = await serve((n, res) => (n === 10 ? setTimeout(() => res.end("slow"), 300) : res.end("ok")));
    const r = await openLoop({ url, rate: 100, durationS: 1, requests: [{ method: "GET", path: "/" }] });
    expect(r.sent).toBe(100);
    expect(r.max).toBeGreaterThanOrEqual(300);
    expect(r.p90).toBeLessThan(50);
  });

  it("counts a stall in the latency of every request due during it (no coordinated omission)", async () => {
    // The server blocks its (and, in this test, the generator's) event loop for 400 ms: the ~40
    // requests due meanwhile go out late, and their latency runs from when they were due.
    const url = await serve((n, res) => {
      if (n === 10) {
        const until = performance.now() + 400;
        while (performance.now() < until);
      }
      res.end("ok");
    });
    const r = await openLoop({ url, rate: 100, durationS: 1, requests: [{ method: "GET", path: "/" }] });
    expect(r.sent).toBe(100);
    expect(r.maxSendLagMs).toBeGreaterThan(300);
    expect(r.p90).toBeGreaterThan(150);
  });

  it("counts non-2xx answers and refused connections apart from successes", async () => {
    const url = await serve((n, res) => {
      res.statusCode = n % 2 ? 500 : 200;
      res.end();
    });
    const r = await openLoop({ url, rate: 50, durationS: 0.4, requests: [{ method: "POST", path: "/", body: "x=1" }] });
    expect(r.ok + r.non2xx).toBe(20);
    expect(r.non2xx).toBe(10);
    const dead = await openLoop({ url: "http://127.0.0.1:9", rate: 20, durationS: 0.2, requests: [{ method: "GET", path: "/" }] });
    expect(dead.errors).toBe(4);
  });
});
