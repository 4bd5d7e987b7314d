import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { checkKeyUrl, createKeyCache, fetchKeyDocument, isForbiddenAddress, KeyFetchError, type FetchPolicy } from "./fetch-keys";

describe("isForbiddenAddress", () => {
  it("forbids loopback, private, link-local, unique-local and other special addresses", () => {
    const forbidden = [
      "127.0.0.1", "127.255.255.254", "0.0.0.0",
      "10.0.0.1", "10.255.255.255",
      "172.16.0.1", "172.20.10.5", "172.31.255.255",
      "192.168.0.1", "192.168.255.255",
      "169.254.169.254", "169.254.0.1",
      "100.64.0.1", "224.0.0.1", "255.255.255.255",
      "::1", "::",
      "fe80::1", "FE80::abcd:1", "febf::1",
      "fc00::1", "fd12:3456:789a::1",
      "ff02::1",
      "::ffff:127.0.0.1", "::FFFF:10.1.2.3", "::ffff:192.168.1.1", "::ffff:169.254.169.254",
      "::ffff:7f00:1", "0:0:0:0:0:ffff:7f00:1", // the same mapped loopback, spelled in hex (as URL() writes it)
      "64:ff9b::7f00:1", // NAT64 of 127.0.0.1
      "::7f00:1", "::a00:1", // the deprecated IPv4-compatible form of 127.0.0.1 and 10.0.0.1
      "::ffff:0:a9fe:a9fe", // SIIT form of 169.254.169.254
      "2002:7f00:1::", "2002:a00:1::1", // 6to4 of 127.0.0.1 and 10.0.0.1
      "64:ff9b:1::1", // NAT64 local use (RFC 8215)
      "2001::1", "2001:0:4136:e378::1", // Teredo
      "fec0::1", "3fff::1", "4000::1", "::2",
    ];
    for (const a of forbidden) expect(isForbiddenAddress(a), a).toBe(true);
  });

  it("allows public addresses, including the neighbours of the private ranges", () => {
    const allowed = ["8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "192.169.0.1", "11.0.0.1", "169.255.0.1", "9.255.255.255", "2606:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"];
    for (const a of allowed) expect(isForbiddenAddress(a), a).toBe(false);
  });

  it("forbids anything that is not an IP address", () => {
    for (const a of ["", "localhost", "example.com", "127.0.0.1.nip.io", "999.1.1.1"]) expect(isForbiddenAddress(a), a).toBe(true);
  });
});

function refusedUrl(raw: string, allowHosts: string[] = []): KeyFetchError {
  let thrown: unknown;
  try {
    checkKeyUrl(raw, { allowHosts });
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `${raw} should be refused`).toBeInstanceOf(KeyFetchError);
  expect((thrown as Error).name).toBe("KeyFetchError");
  return thrown as KeyFetchError;
}

describe("checkKeyUrl", () => {
  it("accepts an https URL on a public name or address, returning it parsed", () => {
    const u = checkKeyUrl("  https://idp.example.com/.well-known/jwks.json  ");
    expect(u).toBeInstanceOf(URL);
    expect(u.href).toBe("https://idp.example.com/.well-known/jwks.json");
    expect(checkKeyUrl("https://8.8.8.8/jwks").hostname).toBe("8.8.8.8");
  });

  it("refuses plain http unless the host is allow-listed, and other schemes always", () => {
    refusedUrl("http://idp.example.com/jwks.json");
    expect(checkKeyUrl("http://idp.example.com/jwks.json", { allowHosts: ["idp.example.com"] }).protocol).toBe("http:");
    refusedUrl("http://other.example.com/jwks.json", ["idp.example.com"]);
    for (const raw of ["ftp://idp.example.com/jwks.json", "file:///etc/passwd", "data:application/json,{}", "javascript:alert(1)"]) refusedUrl(raw, ["idp.example.com"]);
  });

  it("refuses a user name or password in the URL, even for an allow-listed host", () => {
    refusedUrl("https://user:pass@idp.example.com/jwks.json");
    refusedUrl("https://user@idp.example.com/jwks.json");
    refusedUrl("https://:pass@idp.example.com/jwks.json");
    refusedUrl("https://user:pass@idp.example.com/jwks.json", ["idp.example.com"]);
  });

  it("refuses what is not a URL", () => {
    for (const raw of ["", "   ", "not a url", "idp.example.com/jwks.json", "//idp.example.com/jwks.json", "https://"]) refusedUrl(raw);
  });

  it("refuses literal loopback, private and metadata addresses, however spelled", () => {
    for (const raw of [
      "https://127.0.0.1/",
      "https://127.0.0.1:8443/jwks.json",
      "https://10.1.2.3/jwks",
      "https://192.168.1.10/jwks",
      "https://172.16.0.5/jwks",
      "https://169.254.169.254/latest/meta-data/",
      "https://[::1]/jwks",
      "https://[fe80::1]/jwks",
      "https://[fd00::1]/jwks",
      "https://[::ffff:127.0.0.1]/jwks",
      "https://0x7f000001/jwks",
      "https://2130706433/jwks",
      "https://127.1/jwks",
      "https://0177.0.0.1/jwks",
      "https://0/jwks",
    ]) refusedUrl(raw);
  });

  it("lets an administrator allow-list an internal address", () => {
    expect(checkKeyUrl("https://127.0.0.1/", { allowHosts: ["127.0.0.1"] }).hostname).toBe("127.0.0.1");
    expect(checkKeyUrl("http://10.1.2.3/jwks", { allowHosts: ["10.1.2.3"] }).hostname).toBe("10.1.2.3");
  });
});

type TestServer = { url: string; port: number; requests: { method?: string; url?: string; accept?: string }[]; connections: number; close: () => Promise<void> };
const servers: Server[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const requests: TestServer["requests"] = [];
  const state = { connections: 0 };
  const server = createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, accept: req.headers.accept });
    handler(req, res);
  });
  server.on("connection", () => state.connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return state.connections;
    },
    close: () => closeServer(server),
  };
}
function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => (s.listening ? closeServer(s) : Promise.resolve())));
});

const JWKS = JSON.stringify({ keys: [{ kty: "RSA", kid: "k1", n: "sXch", e: "AQAB" }] });
const local = (over: Partial<FetchPolicy> = {}): FetchPolicy => ({ allowHosts: ["127.0.0.1"], timeoutMs: 2_000, maxBytes: 64 * 1024, ...over });

async function fetchRefused(p: Promise<string>): Promise<KeyFetchError> {
  const err = await p.then(
    (body) => {
      throw new Error(`expected a refusal, got a body of ${body.length} characters`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KeyFetchError);
  return err as KeyFetchError;
}

describe("fetchKeyDocument", () => {
  it("GETs an allow-listed local http URL and returns the body", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JWKS);
    });
    expect(await fetchKeyDocument(`${s.url}/.well-known/jwks.json`, local())).toBe(JWKS);
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]!.method).toBe("GET");
    expect(s.requests[0]!.url).toBe("/.well-known/jwks.json");
    expect(s.requests[0]!.accept).toMatch(/json/);
  });

  it("returns a body of exactly maxBytes, in several chunks", async () => {
    const body = "x".repeat(300);
    const s = await serve((_req, res) => {
      res.writeHead(200);
      res.write(body.slice(0, 100));
      setImmediate(() => res.end(body.slice(100)));
    });
    expect(await fetchKeyDocument(s.url, local({ maxBytes: 300 }))).toBe(body);
  });

  it("refuses the same local URL without the allow-list before connecting", async () => {
    const s = await serve((_req, res) => res.end(JWKS));
    await fetchRefused(fetchKeyDocument(`${s.url}/jwks`, local({ allowHosts: [] })));
    // https to the loopback address is refused too (no TLS attempt reaches the server).
    await fetchRefused(fetchKeyDocument(`https://127.0.0.1:${s.port}/jwks`, local({ allowHosts: [] })));
    expect(s.requests).toHaveLength(0);
    expect(s.connections).toBe(0);
  });

  it("refuses \"localhost\" (resolving to loopback) without the allow-list, before connecting", async () => {
    const s = await serve((_req, res) => res.end(JWKS));
    await fetchRefused(fetchKeyDocument(`https://localhost:${s.port}/jwks`, local({ allowHosts: [] })));
    await fetchRefused(fetchKeyDocument(`http://localhost:${s.port}/jwks`, local({ allowHosts: [] })));
    // Allow-listing the address does not allow-list a name that resolves to it.
    await fetchRefused(fetchKeyDocument(`https://localhost:${s.port}/jwks`, local({ allowHosts: ["127.0.0.1"] })));
    expect(s.requests).toHaveLength(0);
    expect(s.connections).toBe(0);
  });

  it("refuses a name with any inward answer (DNS rebinding), before connecting", async () => {
    const s = await serve((_req, res) => res.end(JWKS));
    const resolve = async () => [{ address: "93.184.216.34", family: 4 as const }, { address: "10.0.0.5", family: 4 as const }];
    const err = await fetchRefused(fetchKeyDocument(`https://idp.example.com:${s.port}/jwks`, local({ allowHosts: [], resolve })));
    expect(err.message).not.toContain("10.0.0.5"); // the reason, not an internal DNS lookup tool
    expect(s.connections).toBe(0);
  });

  it("connects to the address it vetted, not to a second DNS answer", async () => {
    const s = await serve((_req, res) => res.end(JWKS));
    // "idp.test" exists in no DNS: only the vetted answer, handed to the socket, can reach the server.
    let asked = 0;
    const resolve = async () => (asked++, [{ address: "127.0.0.1", family: 4 as const }]);
    expect(await fetchKeyDocument(`http://idp.test:${s.port}/jwks`, local({ allowHosts: ["idp.test"], resolve }))).toBe(JWKS);
    expect(asked).toBe(1);
    expect(s.requests).toHaveLength(1);
  });

  it("counts name resolution in the timeout", async () => {
    const started = Date.now();
    const resolve = () => new Promise<never>(() => undefined);
    await fetchRefused(fetchKeyDocument("https://slow-dns.example.com/jwks", local({ allowHosts: [], timeoutMs: 200, resolve })));
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("gives up on a server that does not answer within timeoutMs", async () => {
    const s = await serve(() => {
      /* never answers */
    });
    const started = performance.now();
    await fetchRefused(fetchKeyDocument(s.url, local({ timeoutMs: 300 })));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3_000);
    expect(s.requests).toHaveLength(1);
  });

  it("gives up on a server that answers but trickles the body past timeoutMs", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200);
      const drip = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(drip));
    });
    const started = performance.now();
    await fetchRefused(fetchKeyDocument(s.url, local({ timeoutMs: 300, maxBytes: 1_000_000 })));
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("refuses a body larger than maxBytes", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("x".repeat(5_000));
    });
    await fetchRefused(fetchKeyDocument(s.url, local({ maxBytes: 1_000 })));
    await fetchRefused(fetchKeyDocument(s.url, local({ maxBytes: 4_999 })));
  });

  it("does not follow redirects: one request, then an error", async () => {
    for (const status of [301, 302, 307, 308]) {
      const s = await serve((req, res) => {
        if (req.url === "/moved") {
          res.writeHead(status, { location: "/final" });
          res.end();
        } else {
          res.writeHead(200);
          res.end(JWKS);
        }
      });
      await fetchRefused(fetchKeyDocument(`${s.url}/moved`, local()));
      expect(s.requests.map((r) => r.url), String(status)).toEqual(["/moved"]);
      await s.close();
    }
  });

  it("refuses a 404 and other non-200 answers", async () => {
    for (const status of [404, 500, 204]) {
      const s = await serve((_req, res) => {
        res.writeHead(status);
        res.end(status === 204 ? undefined : JWKS);
      });
      await fetchRefused(fetchKeyDocument(s.url, local()));
      await s.close();
    }
  });

  it("refuses a port nobody listens on", async () => {
    const s = await serve(() => undefined);
    const port = s.port;
    await s.close();
    await fetchRefused(fetchKeyDocument(`http://127.0.0.1:${port}/jwks`, local()));
  });
});

describe("createKeyCache", () => {
  const OPTS = { ttlMs: 60_000, failureTtlMs: 5_000, minRefreshAgeMs: 10_000 };

  function setup(load: (url: string, n: number) => Promise<string>) {
    const clock = { t: 1_000_000 };
    const loads: string[] = [];
    const cache = createKeyCache((url) => {
      loads.push(url);
      return load(url, loads.length);
    }, { ...OPTS, now: () => clock.t });
    return { clock, loads, cache };
  }

  it("serves a document from the cache within ttlMs and fetches it again after", async () => {
    const { clock, loads, cache } = setup(async (url, n) => `${url}#${n}`);
    expect(await cache.get("https://a/jwks")).toBe("https://a/jwks#1");
    clock.t += 59_999;
    expect(await cache.get("https://a/jwks")).toBe("https://a/jwks#1");
    expect(loads).toHaveLength(1);
    clock.t += 1;
    expect(await cache.get("https://a/jwks")).toBe("https://a/jwks#2");
    expect(loads).toHaveLength(2);
  });

  it("keeps one entry per URL and shares an in-flight load", async () => {
    const { loads, cache } = setup(async (url, n) => `${url}#${n}`);
    const [x, y] = [cache.get("https://a/jwks"), cache.get("https://a/jwks")];
    expect(await x).toBe(await y);
    expect(await cache.get("https://b/jwks")).toBe("https://b/jwks#2");
    expect(loads).toEqual(["https://a/jwks", "https://b/jwks"]);
  });

  it("keeps a failure for failureTtlMs (not ttlMs), then tries again", async () => {
    const { clock, loads, cache } = setup(async (url, n) => {
      if (n === 1) throw new Error("HTTP 500");
      return `${url}#${n}`;
    });
    await expect(cache.get("https://a/jwks")).rejects.toThrow("HTTP 500");
    clock.t += 4_999;
    await expect(cache.get("https://a/jwks")).rejects.toThrow("HTTP 500");
    expect(loads).toHaveLength(1);
    clock.t += 1;
    expect(await cache.get("https://a/jwks")).toBe("https://a/jwks#2");
    expect(loads).toHaveLength(2);
    // The success is then kept for the full ttl.
    clock.t += 59_999;
    expect(await cache.get("https://a/jwks")).toBe("https://a/jwks#2");
    expect(loads).toHaveLength(2);
  });

  it("refresh() drops an entry only when it is at least minRefreshAgeMs old", async () => {
    const { clock, loads, cache } = setup(async (url, n) => `${url}#${n}`);
    expect(cache.refresh("https://a/jwks")).toBe(false); // nothing cached
    await cache.get("https://a/jwks");
    clock.t += 9_999;
    expect(cache.refresh("https://a/jwks")).toBe(false);
    expect(await cache.get("https://a/jwks")).toBe("https://a/jwks#1");
    expect(loads).toHaveLength(1);
    clock.t += 1;
    expect(cache.refresh("https://a/jwks")).toBe(true);
    expect(await cache.get("https://a/jwks")).toBe("https://a/jwks#2");
    expect(loads).toHaveLength(2);
    // The new entry is young again: another refresh right away is refused.
    expect(cache.refresh("https://a/jwks")).toBe(false);
  });
});
