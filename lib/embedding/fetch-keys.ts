import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP } from "node:net";

// Fetching a provider's JWK or JWKS URL is an outbound request the server makes on a user's
// say-so, so it is guarded against server-side request forgery: https only, no loopback,
// private, link-local or other special addresses (checked after DNS, and the connection goes to
// the address that was checked, so a second DNS answer cannot swap it), no redirects, a timeout
// and a size limit. Hosts an administrator lists in GATEHOUSE_EMBEDDING_FETCH_ALLOW are exempt
// from the address rule and may use http (an identity provider on the internal network).

export type FetchPolicy = { allowHosts: string[]; timeoutMs: number; maxBytes: number };
export const DEFAULT_FETCH_POLICY: FetchPolicy = { allowHosts: [], timeoutMs: 5_000, maxBytes: 64 * 1024 };

export class KeyFetchError extends Error {
  override name = "KeyFetchError";
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24],
  ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) blocked.addSubnet(net, prefix, "ipv4");
// ::/96 holds the unspecified address, loopback and the deprecated IPv4-compatible form (::7f00:1).
for (const [net, prefix] of [["::", 96], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["2001:db8::", 32], ["64:ff9b::", 96], ["100::", 64]] as const) blocked.addSubnet(net, prefix, "ipv6");

/** Whether an address is one a fetch on a user's behalf must not reach. IPv4-mapped IPv6 is judged as IPv4. */
export function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, "ipv4");
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
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

async function vettedAddress(u: URL, allowed: boolean): Promise<{ address: string; family: 4 | 6 }> {
  const host = hostOf(u);
  const literal = isIP(host);
  const answers = literal ? [{ address: host, family: literal as 4 | 6 }] : ((await dnsLookup(host, { all: true, verbatim: true }).catch(() => [])) as { address: string; family: 4 | 6 }[]);
  if (answers.length === 0) throw new KeyFetchError(`${host} does not resolve.`);
  if (allowed) return answers[0]!;
  // Every answer is checked, not only the one used: a name that also points inward is refused.
  const bad = answers.find((a) => isForbiddenAddress(a.address));
  if (bad) throw new KeyFetchError(`${host} resolves to ${bad.address}, a private, loopback or reserved address; Gatehouse does not fetch from those unless GATEHOUSE_EMBEDDING_FETCH_ALLOW lists the host.`);
  return answers[0]!;
}

/** GETs a JWK or JWKS document under `policy` and returns its text. */
export async function fetchKeyDocument(raw: string, policy: FetchPolicy = DEFAULT_FETCH_POLICY): Promise<string> {
  const u = checkKeyUrl(raw, policy);
  const pinned = await vettedAddress(u, policy.allowHosts.includes(hostOf(u)));
  const request = u.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<string>((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer);
      req.destroy();
      reject(new KeyFetchError(message));
    };
    const req = request(u, {
      method: "GET",
      headers: { accept: "application/jwk-set+json, application/json" },
      // The connection goes to the vetted address; TLS still checks the certificate against the host name.
      lookup: ((_h: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) => (opts.all ? cb(null, [pinned]) : cb(null, pinned.address, pinned.family))) as never,
      timeout: policy.timeoutMs,
    });
    const timer = setTimeout(() => fail(`${u.host} did not answer within ${policy.timeoutMs / 1000} s.`), policy.timeoutMs);
    req.on("timeout", () => fail(`${u.host} did not answer within ${policy.timeoutMs / 1000} s.`));
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err instanceof KeyFetchError ? err : new KeyFetchError(`${u.host} could not be reached: ${(err as NodeJS.ErrnoException).code ?? err.message}.`));
    });
    req.on("response", (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        clearTimeout(timer);
        const where = res.headers.location ? ` (a redirect; give the final URL${res.headers.location.length < 200 ? `, ${res.headers.location}` : ""})` : "";
        return fail(`${u.host} answered HTTP ${res.statusCode}${where}.`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > policy.maxBytes) {
          clearTimeout(timer);
          return fail(`The document at ${u.host} is larger than ${policy.maxBytes / 1024} KiB; a JWKS is far smaller.`);
        }
        chunks.push(c);
      });
      res.on("end", () => {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks).toString("utf8"));
      });
      res.on("error", (err) => {
        clearTimeout(timer);
        reject(new KeyFetchError(`Reading the document from ${u.host} failed: ${err.message}.`));
      });
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
    /** True when the entry was old enough to drop (the next get fetches again). */
    refresh(url: string): boolean {
      const e = entries.get(url);
      if (!e || clock() - e.at < opts.minRefreshAgeMs) return false;
      entries.delete(url);
      return true;
    },
  };
}
