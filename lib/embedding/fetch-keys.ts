import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP } from "node:net";
import { ipBytes } from "../pki/extensions";

// Fetching a provider's JWK or JWKS URL is an outbound request the server makes on a user's
// say-so, so it is guarded against server-side request forgery: https only, no loopback,
// private, link-local or other special addresses (checked after DNS, and the connection goes to
// the address that was checked, so a second DNS answer cannot swap it), no redirects, a timeout
// and a size limit. Hosts an administrator lists in GATEHOUSE_EMBEDDING_FETCH_ALLOW are exempt
// from the address rule and may use http (an identity provider on the internal network).

export type FetchPolicy = {
  allowHosts: string[];
  timeoutMs: number;
  maxBytes: number;
  /** Name resolution (all addresses); dns.lookup unless a test stands in for DNS. */
  resolve?: (host: string) => Promise<{ address: string; family: 4 | 6 }[]>;
};
export const DEFAULT_FETCH_POLICY: FetchPolicy = { allowHosts: [], timeoutMs: 5_000, maxBytes: 64 * 1024 };

export class KeyFetchError extends Error {
  override name = "KeyFetchError";
}

const blockedV4 = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24],
  ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) blockedV4.addSubnet(net, prefix, "ipv4");
// Inside global unicast (2000::/3), the ranges that are not public hosts: IETF protocol
// assignments (Teredo, benchmarking, ORCHID) and documentation.
const blockedV6 = new BlockList();
for (const [net, prefix] of [["2001::", 23], ["2001:db8::", 32], ["3fff::", 20]] as const) blockedV6.addSubnet(net, prefix, "ipv6");

const v4 = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
const zeros = (b: Uint8Array, from: number, to: number) => b.slice(from, to).every((x) => x === 0);

/**
 * Whether an address is one a fetch on a user's behalf must not reach. IPv6 must be global
 * unicast; forms that carry an IPv4 address (mapped, SIIT, NAT64, 6to4) are judged by that
 * address, so no spelling of 127.0.0.1 or 169.254.169.254 gets through.
 */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blockedV4.check(address, "ipv4");
  if (family !== 6) return true;
  const b = ipBytes(address);
  if (zeros(b, 0, 10) && b[10] === 0xff && b[11] === 0xff) return blockedV4.check(v4(b, 12), "ipv4"); // ::ffff:a.b.c.d
  if (zeros(b, 0, 8) && b[8] === 0xff && b[9] === 0xff && zeros(b, 10, 12)) return blockedV4.check(v4(b, 12), "ipv4"); // SIIT ::ffff:0:a.b.c.d
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(b, 4, 12)) return blockedV4.check(v4(b, 12), "ipv4"); // NAT64 64:ff9b::/96
  if (b[0] === 0x20 && b[1] === 0x02) return blockedV4.check(v4(b, 2), "ipv4"); // 6to4 2002::/16
  if ((b[0]! & 0xe0) !== 0x20) return true; // not global unicast: loopback, link-local, unique-local, multicast, ::/96, NAT64 local-use…
  return blockedV6.check(address, "ipv6");
}

const hostOf = (u: URL) => u.hostname.replace(/^\[|\]$/g, "").toLowerCase();

/** Refuses a URL that can never be fetched, before any DNS: what a form can say at once. */
export function checkKeyUrl(raw: string, policy: Pick<FetchPolicy, "allowHosts"> = DEFAULT_FETCH_POLICY): URL {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new KeyFetchError("That is not a URL; give the full address, starting with https://.");
  }
  const allowed = policy.allowHosts.includes(hostOf(u));
  if (u.protocol !== "https:" && !(allowed && u.protocol === "http:")) throw new KeyFetchError("The URL must start with https:// (keys fetched over plain http could be swapped on the way).");
  if (u.username || u.password) throw new KeyFetchError("The URL must not carry a user name or password.");
  if (!allowed && isIP(hostOf(u)) && isForbiddenAddress(hostOf(u))) throw new KeyFetchError(`${hostOf(u)} is a private, loopback or reserved address; Gatehouse does not fetch from those unless GATEHOUSE_EMBEDDING_FETCH_ALLOW lists the host.`);
  return u;
}

type Answer = { address: string; family: 4 | 6 };

const systemResolve = (host: string) => dnsLookup(host, { all: true, verbatim: true }) as Promise<Answer[]>;

async function vettedAddresses(u: URL, policy: FetchPolicy, deadline: Promise<never>): Promise<Answer[]> {
  const host = hostOf(u);
  const allowed = policy.allowHosts.includes(host);
  const literal = isIP(host);
  const answers: Answer[] = literal ? [{ address: host, family: literal as 4 | 6 }] : await Promise.race([(policy.resolve ?? systemResolve)(host).catch(() => [] as Answer[]), deadline]);
  if (answers.length === 0) throw new KeyFetchError(`${host} does not resolve.`);
  // Every answer is checked, not only the one used: a name that also points inward is refused.
  if (!allowed && answers.some((a) => isForbiddenAddress(a.address))) {
    throw new KeyFetchError(`${host} resolves to a private, loopback or reserved address; Gatehouse does not fetch from those unless GATEHOUSE_EMBEDDING_FETCH_ALLOW lists the host.`);
  }
  return answers;
}

/** GETs a JWK or JWKS document under `policy` and returns its text. */
export async function fetchKeyDocument(raw: string, policy: FetchPolicy = DEFAULT_FETCH_POLICY): Promise<string> {
  const u = checkKeyUrl(raw, policy);
  // One deadline for all of it, name resolution included (a slow DNS server must not stall a save).
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new KeyFetchError(`${u.host} did not answer within ${policy.timeoutMs / 1000} s.`));
    }, policy.timeoutMs);
  });
  deadline.catch(() => undefined);
  try {
    const vetted = await vettedAddresses(u, policy, deadline);
    return await Promise.race([get(u, vetted, policy, abort.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function get(u: URL, vetted: Answer[], policy: FetchPolicy, signal: AbortSignal): Promise<string> {
  const request = u.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<string>((resolve, reject) => {
    const fail = (message: string) => {
      req.destroy();
      reject(new KeyFetchError(message));
    };
    const req = request(u, {
      method: "GET",
      headers: { accept: "application/jwk-set+json, application/json" },
      signal,
      // The connection goes to the vetted addresses (all of them when Node asks, so happy
      // eyeballs still falls back from IPv6 to IPv4); TLS still checks the certificate against the host name.
      lookup: ((_h: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) => (opts.all ? cb(null, vetted) : cb(null, vetted[0]!.address, vetted[0]!.family))) as never,
    });
    req.on("error", (err) => reject(err instanceof KeyFetchError ? err : new KeyFetchError(`${u.host} could not be reached: ${(err as NodeJS.ErrnoException).code ?? err.message}.`)));
    req.on("response", (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        const where = res.headers.location ? ` (a redirect; give the final URL${res.headers.location.length < 200 ? `, ${res.headers.location}` : ""})` : "";
        return fail(`${u.host} answered HTTP ${res.statusCode}${where}.`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > policy.maxBytes) return fail(`The document at ${u.host} is larger than ${policy.maxBytes / 1024} KiB; a JWKS is far smaller.`);
        chunks.push(c);
      });
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      res.on("error", (err) => reject(new KeyFetchError(`Reading the document from ${u.host} failed: ${err.message}.`)));
    });
    req.end();
  });
}

/**
 * Fetched documents, kept `ttlMs` (a provider's keys are read on every embedded request); a
 * failure is kept `failureTtlMs`, so a broken URL is not hammered. `refresh` drops an entry older
 * than `minAgeMs` — for a token whose key is not in the cached set (the issuer rotated keys).
 */
export function createKeyCache<T>(load: (url: string) => Promise<T>, opts: { ttlMs: number; failureTtlMs: number; minRefreshAgeMs: number; now?: () => number }) {
  const clock = opts.now ?? Date.now;
  const entries = new Map<string, { at: number; value: Promise<T>; failed: boolean }>();
  return {
    get(url: string): Promise<T> {
      const e = entries.get(url);
      const t = clock();
      if (e && t - e.at < (e.failed ? opts.failureTtlMs : opts.ttlMs)) return e.value;
      const entry = { at: t, value: load(url), failed: false };
      entry.value.catch(() => (entry.failed = true));
      entries.set(url, entry);
      if (entries.size > 1000) entries.delete(entries.keys().next().value!);
      return entry.value;
    },
    /** Replaces the entry with a value just read elsewhere (a document checked when a provider was saved). */
    set(url: string, value: T): void {
      entries.set(url, { at: clock(), value: Promise.resolve(value), failed: false });
    },
    /** True when the entry was old enough to drop (the next get fetches again). */
    refresh(url: string): boolean {
      const e = entries.get(url);
      if (!e || clock() - e.at < opts.minRefreshAgeMs) return false;
      entries.delete(url);
      return true;
    },
  };
}
