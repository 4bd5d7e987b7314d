// Edits a connection string as text. Fixes must change only what they fix: going through
// URLSearchParams would re-encode every other option (`dc:ny,rack:1` → `dc%3Any%2Crack%3A1`) and
// the user would no longer recognise their own string.

/** The same split `mongodb-connection-string-url` makes (its HOSTS_REGEX), plus path/query/fragment. */
const SPLIT = /^(?<scheme>[^/]+):\/\/(?:(?<userinfo>[^:@]*(?::[^@]*)?)@)?(?<hosts>(?!:)[^/?@]*)(?<rest>.*)$/s;

export type UriParts = {
  scheme: string;
  userinfo?: string;
  hosts: string;
  /** "" or "/" or "/db". */
  path: string;
  /** Raw `key=value` pairs as written (value undefined when there is no `=`). */
  query: { key: string; value: string | undefined }[];
  /** "" or "#…" (kept as written; MongoDB ignores it). */
  fragment: string;
};

export function splitUri(s: string): UriParts | undefined {
  const m = SPLIT.exec(s);
  if (!m?.groups) return undefined;
  const { scheme, userinfo, hosts, rest } = m.groups as { scheme: string; userinfo?: string; hosts: string; rest: string };
  const hash = rest.indexOf("#");
  const beforeHash = hash < 0 ? rest : rest.slice(0, hash);
  const fragment = hash < 0 ? "" : rest.slice(hash);
  const q = beforeHash.indexOf("?");
  const path = q < 0 ? beforeHash : beforeHash.slice(0, q);
  const search = q < 0 ? "" : beforeHash.slice(q + 1);
  const query = search
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const eq = p.indexOf("=");
      return eq < 0 ? { key: p, value: undefined } : { key: p.slice(0, eq), value: p.slice(eq + 1) };
    });
  return { scheme, userinfo, hosts, path, query, fragment };
}

export function joinUri(p: UriParts): string {
  const query = p.query.map((e) => (e.value === undefined ? e.key : `${e.key}=${e.value}`)).join("&");
  const path = p.path || (query ? "/" : "");
  return `${p.scheme}://${p.userinfo !== undefined ? `${p.userinfo}@` : ""}${p.hosts}${path}${query ? `?${query}` : ""}${p.fragment}`;
}

/** The option name as the driver compares it (URLSearchParams decoding, case-insensitive). */
export function optionName(rawKey: string): string {
  try {
    return decodeURIComponent(rawKey.replace(/\+/g, " ")).toLowerCase();
  } catch {
    return rawKey.toLowerCase();
  }
}

const same = (rawKey: string, name: string) => optionName(rawKey) === name.toLowerCase();

/**
 * Percent-encodes a value the way the seed writes `authSource=%24external`. `/` stays readable
 * in paths: URLSearchParams and PyMongo's URI parser both take it as it is.
 */
export const encodeOptionValue = (v: string) => encodeURIComponent(v).replace(/%2F/g, "/");

export type UriEdit =
  | { op: "set"; key: string; value: string }
  | { op: "remove"; keys: string[] }
  | { op: "keepFirst"; key: string }
  | { op: "rename"; from: string; to: string }
  | { op: "removeUserinfo" }
  | { op: "removePorts" }
  | { op: "firstHostOnly" }
  | { op: "setPath"; path: string };

function applyOne(p: UriParts, e: UriEdit): UriParts {
  switch (e.op) {
    case "set": {
      const value = encodeOptionValue(e.value);
      const at = p.query.findIndex((q) => same(q.key, e.key));
      if (at < 0) return { ...p, query: [...p.query, { key: e.key, value }] };
      return { ...p, query: p.query.flatMap((q, i) => (i === at ? [{ key: q.key, value }] : same(q.key, e.key) ? [] : [q])) };
    }
    case "remove":
      return { ...p, query: p.query.filter((q) => !e.keys.some((k) => same(q.key, k))) };
    case "keepFirst": {
      const first = p.query.findIndex((q) => same(q.key, e.key));
      return { ...p, query: p.query.filter((q, i) => i === first || !same(q.key, e.key)) };
    }
    case "rename": {
      const hasTarget = p.query.some((q) => same(q.key, e.to));
      return { ...p, query: p.query.flatMap((q) => (same(q.key, e.from) ? (hasTarget ? [] : [{ key: e.to, value: q.value }]) : [q])) };
    }
    case "removeUserinfo":
      return { ...p, userinfo: undefined };
    case "removePorts":
      return { ...p, hosts: p.hosts.split(",").map((h) => h.replace(/:[^:\]]*$/, "")).join(",") };
    case "firstHostOnly":
      return { ...p, hosts: p.hosts.split(",")[0] ?? "" };
    case "setPath":
      return { ...p, path: e.path };
  }
}

/** Applies edits to the text of `s`; returns `s` unchanged when it cannot be split. */
export function editUri(s: string, edits: UriEdit[]): string {
  const parts = splitUri(s);
  if (!parts) return s;
  return joinUri(edits.reduce(applyOne, parts));
}
