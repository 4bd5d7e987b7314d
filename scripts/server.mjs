#!/usr/bin/env node
// The production server: Next.js's request handler behind a small Node HTTP server, so that
// Gatehouse — not the client — decides what the client address is.
//
// Why: Next fills X-Forwarded-For from the socket only when the request has none, so a client
// talking to the port directly could claim any address and dodge the per-IP sign-in throttle or
// forge the IP in the audit trail. Unless GATEHOUSE_TRUST_PROXY is set (a reverse proxy in front
// appends the real address), client-sent forwarding headers are dropped here.
import { createServer } from "node:http";
import next from "next";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { sendHeadersWithBody } from "./http-writes.mjs";
import { bodyRefused, limitBody } from "./http-limits.mjs";
import { loadDirectRoutes } from "./direct-routes.mjs";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const port = Number(process.env.PORT || 3000);
// Containers set HOSTNAME to the machine's name; only an address or "localhost" is a bind address.
const rawHost = process.env.HOSTNAME || "";
const hostname = /^(localhost|[0-9.]+|[0-9a-fA-F:]+)$/.test(rawHost) ? rawHost : "0.0.0.0";
const trustProxy = /^(1|true|yes)$/i.test(process.env.GATEHOUSE_TRUST_PROXY ?? "");
// Bodies larger than this are refused (413): announced ones before any application code runs,
// chunked ones as soon as they pass it (scripts/http-limits.mjs).
const maxBody = Number(process.env.GATEHOUSE_MAX_BODY_BYTES || 2 * 1024 * 1024);
const FORWARDING = ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-real-ip", "forwarded"];

process.env.NEXT_TELEMETRY_DISABLED = "1";
const app = next({ dev: false, dir: process.cwd(), hostname: hostname === "0.0.0.0" ? "localhost" : hostname, port });
const handle = app.getRequestHandler();
// A failure here must stop the process with a failing status. Once Next has prepared, it has its
// own uncaughtException handler, which only logs: a throw would end the process with status 0
// (or leave it hanging), and a supervisor would not restart it.
let direct;
try {
  await app.prepare();
  // The OAuth endpoints skip Next's router (scripts/direct-routes.mjs says why); the same built code.
  direct = loadDirectRoutes({
    distDir: join(process.cwd(), ".next"),
    port,
    headers: JSON.parse(readFileSync(new URL("../lib/next/security-headers.json", import.meta.url), "utf8")),
  });
} catch (err) {
  console.error(JSON.stringify({ time: new Date().toISOString(), level: "error", msg: `Gatehouse cannot start: ${err?.message ?? err}` }));
  process.exit(1);
}

// Bench only (GATEHOUSE_BENCH_BASELINE=1, which only `npm run bench` sets): each response says how
// long this process took, from the request's arrival to its headers, so the bench can tell the
// server's share of a latency from the machine's.
// It also reports this process's event-loop delay since the last ask (GET /__bench/event-loop,
// loopback only): a stalled loop delays requests before any handler sees them.
const serverTiming = process.env.GATEHOUSE_BENCH_BASELINE === "1";
const loopDelay = serverTiming ? monitorEventLoopDelay({ resolution: 1 }) : null;
loopDelay?.enable();

const server = createServer((req, res) => {
  if (serverTiming) {
    const t0 = performance.now();
    const writeHead = res.writeHead;
    res.writeHead = function (...args) {
      if (!res.headersSent) res.setHeader("server-timing", `app;dur=${(performance.now() - t0).toFixed(2)}`);
      return writeHead.apply(this, args);
    };
  }
  if (loopDelay && req.url === "/__bench/event-loop" && /^(::ffff:)?127\.|^::1$/.test(req.socket.remoteAddress ?? "")) {
    const ms = (ns) => Math.round((ns / 1e6) * 100) / 100;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) }));
    loopDelay.reset();
    return;
  }
  sendHeadersWithBody(res);
  if (!trustProxy) for (const h of FORWARDING) delete req.headers[h];
  if (!limitBody(req, res, maxBody)) return;
  (direct(req, res) ?? handle(req, res)).catch((err) => {
    if (bodyRefused(req)) return; // answered 413 already; the handler lost its body
    console.error(JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "request handler failed", error: String(err?.message ?? err) }));
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
server.on("error", (err) => {
  console.error(JSON.stringify({ time: new Date().toISOString(), level: "error", msg: `Gatehouse cannot listen on ${hostname}:${port}: ${err.message}` }));
  process.exit(1);
});
server.listen(port, hostname, () => {
  console.log(JSON.stringify({ time: new Date().toISOString(), level: "info", msg: `Gatehouse listening on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`, trustProxy }));
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
