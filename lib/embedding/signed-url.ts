import { createHmac, timingSafeEqual } from "node:crypto";
import { EMBED_ERROR, type EmbedErrorCode } from "./codes";

// Verified Signature mode (deprecated in Charts, kept for pages that still use it): the host's
// server signs the query of an embed URL with the project's embedding key,
//   id={chartId}&timestamp={unix seconds}[&expires-in={seconds}][&filter={encoded JSON}][&autorefresh={seconds}]
//   &signature={hex HMAC-SHA256(key, everything before "&signature=")}
// in that order. The signature covers the raw query text, so nothing is re-encoded before checking.

export const SIGNED_URL_DEFAULT_EXPIRES_IN = 24 * 3600;
/** Charts' smallest auto-refresh interval, in seconds. */
export const MIN_AUTOREFRESH_SECONDS = 10;
/** How far ahead of Gatehouse's clock a signer's timestamp may be. */
export const TIMESTAMP_SKEW_SECONDS = 300;

export type SignedUrlParams = { id: string; timestamp: number; expiresIn?: number; filter?: string; autorefresh?: number };

export function signedUrlPayload(p: SignedUrlParams): string {
  let q = `id=${encodeURIComponent(p.id)}&timestamp=${p.timestamp}`;
  if (p.expiresIn !== undefined) q += `&expires-in=${p.expiresIn}`;
  if (p.filter !== undefined) q += `&filter=${encodeURIComponent(p.filter)}`;
  if (p.autorefresh !== undefined) q += `&autorefresh=${p.autorefresh}`;
  return q;
}

const hmacHex = (key: string, payload: string) => createHmac("sha256", key).update(payload).digest("hex");

/** The query string of a signed embed URL, as a host's server builds it (for snippets and tests). */
export function signEmbedQuery(key: string, p: SignedUrlParams): string {
  const payload = signedUrlPayload(p);
  return `${payload}&signature=${hmacHex(key, payload)}`;
}

export type SignedUrlVerdict =
  | { ok: true; id: string; timestamp: number; expiresIn: number; filter: string | null; autorefresh: number | null }
  | { ok: false; code: EmbedErrorCode; message: string };

const ORDER = ["id", "timestamp", "expires-in", "filter", "autorefresh"];

/**
 * Checks a signed embed query (`rawQuery` without the leading "?") against the active key: the
 * signature first (constant time), then the parameters' order, the timestamp window and the
 * auto-refresh interval.
 */
export function verifySignedEmbedQuery(rawQuery: string, key: string | null, now: Date): SignedUrlVerdict {
  const bad = (code: EmbedErrorCode, message: string): SignedUrlVerdict => ({ ok: false, code, message });
  if (!key) return bad(EMBED_ERROR.INVALID_SIGNATURE, "This project has no embedding key; a Project Owner generates one under Embedding.");
  const q = rawQuery.replace(/^\?/, "");
  const at = q.lastIndexOf("&signature=");
  if (at < 0) return bad(EMBED_ERROR.INVALID_SIGNATURE, "The URL has no signature; its last parameter must be &signature=….");
  const payload = q.slice(0, at);
  const given = q.slice(at + "&signature=".length);
  if (!/^[0-9a-fA-F]{64}$/.test(given)) return bad(EMBED_ERROR.INVALID_SIGNATURE, "The signature must be 64 hexadecimal characters (HMAC-SHA256), the last parameter of the URL.");
  const want = Buffer.from(hmacHex(key, payload), "hex");
  if (!timingSafeEqual(want, Buffer.from(given, "hex"))) {
    return bad(EMBED_ERROR.INVALID_SIGNATURE, "The signature does not match: sign the query up to &signature= with the current embedding key (a new key invalidates the old one).");
  }
  const pairs = payload.split("&").map((kv) => {
    const i = kv.indexOf("=");
    return i < 0 ? [kv, ""] : [kv.slice(0, i), kv.slice(i + 1)];
  }) as [string, string][];
  const names = pairs.map(([k]) => k);
  let last = -1;
  for (const n of names) {
    const i = ORDER.indexOf(n);
    if (i <= last) return bad(EMBED_ERROR.INVALID_SIGNATURE, `The parameters must come in the order ${ORDER.join(", ")} (each at most once); "${n}" is out of place.`);
    last = i;
  }
  const get = (n: string) => pairs.find(([k]) => k === n)?.[1];
  const id = decodeURIComponentSafe(get("id"));
  if (!id) return bad(EMBED_ERROR.INVALID_SIGNATURE, "The URL has no id (the chart's id) as its first parameter.");
  const whole = (v: string | undefined) => (v !== undefined && /^\d{1,12}$/.test(v) ? Number(v) : null);
  const timestamp = whole(get("timestamp"));
  if (timestamp === null) return bad(EMBED_ERROR.INVALID_SIGNATURE, "The URL needs timestamp= (the signing time, in whole seconds since 1970).");
  const expiresIn = get("expires-in") === undefined ? SIGNED_URL_DEFAULT_EXPIRES_IN : whole(get("expires-in"));
  if (expiresIn === null) return bad(EMBED_ERROR.INVALID_SIGNATURE, "expires-in must be a whole number of seconds.");
  const nowS = Math.floor(now.getTime() / 1000);
  if (timestamp > nowS + TIMESTAMP_SKEW_SECONDS) return bad(EMBED_ERROR.INVALID_SIGNATURE, "The URL's timestamp is in the future; check the signing server's clock.");
  if (nowS - timestamp > expiresIn) return bad(EMBED_ERROR.INVALID_SIGNATURE, `The signed URL expired: it was signed ${nowS - timestamp} s ago and is valid for ${expiresIn} s. Sign a new one when the page loads.`);
  const rawRefresh = get("autorefresh");
  let autorefresh: number | null = null;
  if (rawRefresh !== undefined) {
    autorefresh = whole(rawRefresh);
    if (autorefresh === null || autorefresh < MIN_AUTOREFRESH_SECONDS) return bad(EMBED_ERROR.INVALID_AUTOREFRESH, `autorefresh must be a whole number of seconds, at least ${MIN_AUTOREFRESH_SECONDS}.`);
  }
  const rawFilter = get("filter");
  const filter = rawFilter === undefined ? null : decodeURIComponentSafe(rawFilter);
  if (rawFilter !== undefined && filter === null) return bad(EMBED_ERROR.INVALID_FILTER, "The filter is not percent-encoded text; encode the filter's JSON with encodeURIComponent.");
  return { ok: true, id, timestamp, expiresIn, filter, autorefresh };
}

function decodeURIComponentSafe(v: string | undefined): string | null {
  if (v === undefined) return null;
  try {
    return decodeURIComponent(v);
  } catch {
    return null;
  }
}
