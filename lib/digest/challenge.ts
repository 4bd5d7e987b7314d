import type { DigestAlgorithm } from "./algorithm";
import { issueNonce } from "./nonce";

export const DEFAULT_REALM = "MMS Public API";

export type DigestChallengeOptions = {
  realm?: string;
  /** The nonce-signing key (derived by the caller from the master key). */
  key: Buffer;
  now?: Date;
  stale?: boolean;
  /** MD5 unless asked: Go's client reads only the first WWW-Authenticate header, urllib only MD5. */
  algorithm?: DigestAlgorithm;
};

// The realm goes inside a quoted-string that Go's client cuts on `", "` and trims of `"`, and
// urllib cuts on `,`: a realm with a quote, backslash, comma or control character would be read
// as something else (or inject a header). It is our configuration, so a bad one is our bug.
const SAFE_REALM = /^[\x20-\x7e]+$/;
function assertRealm(realm: string): void {
  if (!SAFE_REALM.test(realm) || /["\\,]/.test(realm)) {
    throw new TypeError("The digest realm must be printable ASCII without quotes, backslashes or commas.");
  }
}

function render(realm: string, nonce: string, algorithm: DigestAlgorithm, stale: boolean): string {
  // Exactly this order and spelling: Go's mongodb-forks/digest splits on `", "` and rejects any
  // parameter other than realm, domain, nonce, opaque, stale, algorithm and qop (so no charset,
  // no userhash), and takes qop as one value, so it must be exactly "auth".
  return `Digest realm="${realm}", domain="", nonce="${nonce}", algorithm=${algorithm}, qop="auth", stale=${stale}`;
}

/** One `WWW-Authenticate` header value with a fresh signed nonce. */
export function digestChallenge({ realm = DEFAULT_REALM, key, now, stale = false, algorithm = "MD5" }: DigestChallengeOptions): string {
  assertRealm(realm);
  return render(realm, issueNonce({ key, now }), algorithm, stale);
}

/**
 * MD5 then SHA-256, sharing one nonce, for a response that offers both as separate
 * `WWW-Authenticate` headers. The order matters: Go's client and curl act on the first Digest
 * challenge only, and urllib speaks only MD5.
 */
export function digestChallenges(options: Omit<DigestChallengeOptions, "algorithm">): [md5: string, sha256: string] {
  const realm = options.realm ?? DEFAULT_REALM;
  assertRealm(realm);
  const nonce = issueNonce({ key: options.key, now: options.now });
  const stale = options.stale ?? false;
  return [render(realm, nonce, "MD5", stale), render(realm, nonce, "SHA-256", stale)];
}
