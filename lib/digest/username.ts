import type { DigestParams } from "./parse";

export type UsernameResult = { ok: true; username: string } | { ok: false; code: "MALFORMED" };

// RFC 8187 ext-value: charset ' [language] ' value-chars.
const EXT_VALUE = /^([A-Za-z0-9!#$%&+\-^_`{}~]+)'([A-Za-z0-9-]*)'((?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-Fa-f]{2})*)$/;

/**
 * The user from `username="…"` or RFC 7616 §3.4.4 `username*=UTF-8''…` (supported, UTF-8 only:
 * RFC 7616 names no other charset). Sending both is refused, as §3.4.4 requires. `userhash=true`
 * is refused: the challenge never offers it, and a client that hashes the name anyway is not
 * talking to us.
 */
export function digestUsername(params: DigestParams): UsernameResult {
  const plain = params.get("username");
  const ext = params.get("username*");
  if ((plain === undefined) === (ext === undefined)) return { ok: false, code: "MALFORMED" };
  if ((params.get("userhash") ?? "false").toLowerCase() !== "false") return { ok: false, code: "MALFORMED" };
  const username = plain ?? decodeExtValue(ext!);
  return username ? { ok: true, username } : { ok: false, code: "MALFORMED" };
}

function decodeExtValue(ext: string): string | null {
  const m = EXT_VALUE.exec(ext);
  if (!m || m[1]!.toLowerCase() !== "utf-8") return null;
  try {
    // Throws on invalid UTF-8 (overlong forms, lone surrogates) instead of yielding U+FFFD, which
    // could collide with a real name.
    return decodeURIComponent(m[3]!);
  } catch {
    return null;
  }
}
