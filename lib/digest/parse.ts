export type DigestParams = ReadonlyMap<string, string>;

export type ParseCode = "MISSING" | "NOT_DIGEST" | "MALFORMED" | "DUPLICATE_PARAMETER";
export type ParseResult = { ok: true; params: DigestParams } | { ok: false; code: ParseCode };

// Node already caps all headers at 16 KiB; a Digest credential is a few hundred bytes, and the
// parser should not be the cheapest place to burn CPU.
const MAX_LENGTH = 8192;
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const OWS = /[ \t]/;
// Unquoted values are taken a little more loosely than RFC 9110's `token` (a client that leaves
// `uri=/a/b` unquoted is understood) but never with a quote, backslash or comma, so there is no
// second reading of where a value ends.
const BARE = /[!#-+\--[\]-~\x80-\xff]/;
// Visible ASCII, SP, HTAB and obs-text: anything else (CR, LF, NUL, DEL) is refused outright.
const ALLOWED = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * `Authorization: Digest k=v, k="quoted \"v\"", …` (RFC 7616 §3.4, RFC 9110 §11). Parameter
 * names are case-insensitive and returned lower-cased; values are unescaped. A repeated
 * parameter is refused rather than resolved: first-wins and last-wins parsers disagree, and that
 * disagreement is how smuggling starts.
 */
export function parseDigestAuthorization(header: string | null | undefined): ParseResult {
  // Only SP and HTAB are whitespace here: String#trim would also eat U+00A0, a latin-1 byte.
  const s = (header ?? "").replace(/^[ \t]+|[ \t]+$/g, "");
  if (s === "") return { ok: false, code: "MISSING" };
  if (s.length > MAX_LENGTH || !ALLOWED.test(s)) return { ok: false, code: "MALFORMED" };
  let i = 0;
  while (i < s.length && TCHAR.test(s[i]!)) i++;
  if (s.slice(0, i).toLowerCase() !== "digest") return { ok: false, code: i === 0 ? "MALFORMED" : "NOT_DIGEST" };
  if (!OWS.test(s[i] ?? "")) return { ok: false, code: "MALFORMED" };

  const params = new Map<string, string>();
  const skip = (re: RegExp) => {
    while (i < s.length && re.test(s[i]!)) i++;
  };
  for (;;) {
    skip(/[ \t,]/); // empty list elements are allowed (RFC 9110 §5.6.1)
    if (i >= s.length) break;
    const start = i;
    skip(TCHAR);
    const name = s.slice(start, i).toLowerCase();
    skip(OWS);
    if (name === "" || s[i] !== "=") return { ok: false, code: "MALFORMED" };
    i++;
    skip(OWS);
    const value = s[i] === '"' ? readQuoted() : readBare();
    if (value === null) return { ok: false, code: "MALFORMED" };
    if (params.has(name)) return { ok: false, code: "DUPLICATE_PARAMETER" };
    params.set(name, value);
    skip(OWS);
    if (i < s.length && s[i] !== ",") return { ok: false, code: "MALFORMED" };
  }
  return params.size === 0 ? { ok: false, code: "MALFORMED" } : { ok: true, params };

  function readQuoted(): string | null {
    let out = "";
    for (i++; i < s.length; i++) {
      const c = s[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === "\\") {
        i++;
        if (i >= s.length) return null;
        out += s[i];
      } else out += c;
    }
    return null; // unterminated
  }

  function readBare(): string | null {
    const start = i;
    skip(BARE);
    return i === start ? null : s.slice(start, i);
  }
}
