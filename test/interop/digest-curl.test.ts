import { execFile, execFileSync } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { digestChallenge, digestChallenges, parseDigestAuthorization, verifyDigest, type DigestAlgorithm } from "@/lib/digest";

// Interop proof for Admin API keys: the real `curl --digest` against a plain node:http server that
// authenticates with lib/digest exactly as the route wrapper must — 401 + challenge (and the
// handler never runs) until the Digest response checks out.

function findCurl(): string | null {
  if (process.env.CURL_PATH) return process.env.CURL_PATH;
  try {
    return execFileSync("which", ["curl"], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}
const CURL = findCurl();
if (!CURL) console.warn("digest-curl.test.ts: curl is not on PATH (set CURL_PATH), so the curl --digest interop tests are skipped.");

const PUBLIC = "abcdefgh";
const PRIVATE = "6f1c2d3e-4b5a-4978-8c1d-2e3f4a5b6c7d";
const REALM = "MMS Public API";
const UNAUTHORIZED = { error: 401, reason: "Unauthorized", detail: "You are not authorized for this resource." };
const nonceKey = Buffer.alloc(32, 42);

type Seen = { method: string; url: string; authorization?: string; status?: number; code?: string };
type Handled = { method: string; url: string; username: string; body: string };
type ServerOptions = {
  /** Which challenge(s) to send, in order. */
  offer?: DigestAlgorithm[];
  /** Issue the very first challenge this long ago, so its nonce has expired when it comes back. */
  firstNonceAgeMs?: number;
};

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks).toString("utf8"))).on("error", reject);
  });

function challengeHeaders(offer: DigestAlgorithm[], stale: boolean, now: Date): string[] {
  if (offer.length === 2 && offer[0] === "MD5") return digestChallenges({ realm: REALM, key: nonceKey, now, stale });
  return offer.map((algorithm) => digestChallenge({ realm: REALM, key: nonceKey, now, stale, algorithm }));
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function startServer({ offer = ["MD5"], firstNonceAgeMs = 0 }: ServerOptions = {}) {
  const seen: Seen[] = [];
  const handled: Handled[] = [];
  // The "handler": it may only ever run after verifyDigest said ok.
  const handler = async (req: IncomingMessage, username: string) => {
    const body = await readBody(req);
    handled.push({ method: req.method ?? "", url: req.url ?? "", username, body });
    return { results: [{ id: "g1", name: "Plant Ops" }], totalCount: 1, echo: { method: req.method, url: req.url, username, body } };
  };
  let challenges = 0;
  server = createServer(async (req, res) => {
    const entry: Seen = { method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization };
    seen.push(entry);
    const result = await verifyDigest({
      header: req.headers.authorization, method: req.method ?? "", uri: req.url ?? "", realm: REALM, nonceKey,
      lookup: async (u) => (u === PUBLIC ? { secret: PRIVATE } : null),
    });
    if (!result.ok) {
      entry.code = result.code;
      req.resume(); // discard any body unread: the handler is not reached
      const age = challenges++ === 0 ? firstNonceAgeMs : 0;
      res.writeHead(401, { "Content-Type": "application/json", "WWW-Authenticate": challengeHeaders(offer, result.stale, new Date(Date.now() - age)) });
      res.end(JSON.stringify(UNAUTHORIZED));
      entry.status = 401;
      return;
    }
    const out = await handler(req, result.username);
    res.writeHead(200, { "Content-Type": "application/vnd.atlas.2023-01-01+json;charset=utf-8" });
    res.end(JSON.stringify(out));
    entry.status = 200;
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { seen, handled, base: `http://127.0.0.1:${port}` };
}

type CurlResult = { status: number; body: string; headers: Record<string, string[]> };
const MARK = "\n--curl-write-out--\n";

async function curl(args: string[]): Promise<CurlResult> {
  // -q: ignore any ~/.curlrc; --noproxy: never send the test's loopback traffic through a proxy.
  const { stdout } = await promisify(execFile)(CURL!, ["-q", "-sS", "--noproxy", "*", "--max-time", "20", "-w", `${MARK}%{response_code}${MARK}%{header_json}`, ...args], { encoding: "utf8" });
  const [body = "", status = "", headers = "{}"] = stdout.split(MARK);
  return { status: Number(status), body, headers: JSON.parse(headers) as Record<string, string[]> };
}

const CHALLENGE = (algorithm: DigestAlgorithm, stale = false) =>
  new RegExp(`^Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9_-]+", algorithm=${algorithm}, qop="auth", stale=${stale}$`);

const authParams = (s: Seen) => {
  const r = parseDigestAuthorization(s.authorization);
  return r.ok ? Object.fromEntries(r.params) : {};
};

describe.skipIf(!CURL)("curl --digest against lib/digest", () => {
  const path = "/api/atlas/v2/groups?pageNum=1";

  it("GET with the right key: 200 + body, and the unauthenticated first request never reached the handler", async () => {
    const s = await startServer();
    const r = await curl(["--digest", "-u", `${PUBLIC}:${PRIVATE}`, `${s.base}${path}`]);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ totalCount: 1, echo: { method: "GET", url: path, username: PUBLIC, body: "" } });
    expect(s.seen.map((x) => [x.status, x.code, x.authorization === undefined])).toEqual([[401, "MISSING", true], [200, undefined, false]]);
    expect(s.handled).toHaveLength(1);
    expect(authParams(s.seen[1]!)).toMatchObject({ username: PUBLIC, realm: REALM, uri: path, qop: "auth", nc: "00000001", algorithm: "MD5" });
  });

  it("a wrong private key: 401, the Digest challenge and the Atlas body; the handler never runs", async () => {
    const s = await startServer();
    const r = await curl(["--digest", "-u", `${PUBLIC}:not-the-key`, `${s.base}${path}`]);
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toHaveLength(1);
    expect(r.headers["www-authenticate"]?.[0]).toMatch(CHALLENGE("MD5"));
    expect(JSON.parse(r.body)).toEqual(UNAUTHORIZED);
    expect(s.seen.map((x) => x.code)).toEqual(["MISSING", "BAD_RESPONSE"]);
    expect(s.handled).toEqual([]);
  });

  it("an unknown public key: 401", async () => {
    const s = await startServer();
    expect((await curl(["--digest", "-u", `zzzzzzzz:${PRIVATE}`, `${s.base}${path}`])).status).toBe(401);
    expect(s.seen.map((x) => x.code)).toEqual(["MISSING", "UNKNOWN_USER"]);
    expect(s.handled).toEqual([]);
  });

  it("POST with a JSON body: the handler runs once, with the body", async () => {
    const s = await startServer();
    const r = await curl(["--digest", "-u", `${PUBLIC}:${PRIVATE}`, "-X", "POST", "-H", "Content-Type: application/json", "-d", '{"a":1}', `${s.base}/api/atlas/v2/groups`]);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ echo: { method: "POST", body: '{"a":1}' } });
    expect(s.seen.map((x) => [x.method, x.status])).toEqual([["POST", 401], ["POST", 200]]);
    expect(s.handled).toEqual([{ method: "POST", url: "/api/atlas/v2/groups", username: PUBLIC, body: '{"a":1}' }]);
  });

  it("SHA-256: curl follows algorithm=SHA-256 when the server challenges with it", async () => {
    const s = await startServer({ offer: ["SHA-256"] });
    const r = await curl(["--digest", "-u", `${PUBLIC}:${PRIVATE}`, `${s.base}${path}`]);
    expect(r.status).toBe(200);
    expect(authParams(s.seen[1]!)).toMatchObject({ algorithm: "SHA-256", uri: path });
    const bad = await curl(["--digest", "-u", `${PUBLIC}:wrong`, `${s.base}${path}`]);
    expect(bad.status).toBe(401);
    expect(bad.headers["www-authenticate"]?.[0]).toMatch(CHALLENGE("SHA-256"));
    expect(s.handled).toHaveLength(1);
  });

  it("with MD5 and SHA-256 offered, curl answers the first (MD5), which is why MD5 goes first", async () => {
    const s = await startServer({ offer: ["MD5", "SHA-256"] });
    const r = await curl(["--digest", "-u", `${PUBLIC}:${PRIVATE}`, `${s.base}${path}`]);
    expect(r.status).toBe(200);
    expect(authParams(s.seen[1]!).algorithm).toBe("MD5");
  });

  it("an expired nonce with the right key: 401 stale=true, and curl retries with the new nonce", async () => {
    const s = await startServer({ firstNonceAgeMs: 10 * 60_000 });
    const r = await curl(["--digest", "-u", `${PUBLIC}:${PRIVATE}`, `${s.base}${path}`]);
    expect(s.seen.map((x) => x.code)).toEqual(["MISSING", "NONCE_EXPIRED", undefined]);
    expect(r.status).toBe(200);
    expect(s.handled).toHaveLength(1);
  });
});
