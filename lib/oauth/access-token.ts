import { SignJWT, errors as joseErrors, jwtVerify, decodeProtectedHeader, type CryptoKey, type KeyObject } from "jose";

// Access tokens: JWTs signed ES256 by a Gatehouse signing key (kid in the header). Verification
// pins the algorithm, so `alg: none` or an HS256 token made with the public key cannot pass.

export const ACCESS_TOKEN_TTL_SECONDS = 3600;
export const TOKEN_ALG = "ES256";

export type AccessTokenClaims = { iss: string; sub: string; client_id: string; jti: string; iat: number; exp: number };

/** `key.privateKey` is imported once by the caller (importing a JWK per token costs more than signing). */
export async function signAccessToken(claims: AccessTokenClaims, key: { kid: string; privateKey: CryptoKey | KeyObject }): Promise<string> {
  return new SignJWT({ client_id: claims.client_id })
    .setProtectedHeader({ alg: TOKEN_ALG, kid: key.kid, typ: "at+jwt" })
    .setIssuer(claims.iss)
    .setSubject(claims.sub)
    .setJti(claims.jti)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(key.privateKey);
}

export type TokenCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; code: "TOKEN_MALFORMED" | "TOKEN_UNKNOWN_KEY" | "TOKEN_BAD_SIGNATURE" | "TOKEN_EXPIRED" | "TOKEN_BAD_CLAIMS" };

/** Checks signature (ES256 only, by kid), expiry and issuer against `now` (seconds). */
export async function verifyAccessToken(token: string, opts: { issuer: string; now: Date; publicKey: (kid: string) => Promise<CryptoKey | KeyObject | undefined> | CryptoKey | KeyObject | undefined }): Promise<TokenCheck> {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== TOKEN_ALG) return { ok: false, code: "TOKEN_BAD_SIGNATURE" };
    kid = header.kid;
  } catch {
    return { ok: false, code: "TOKEN_MALFORMED" };
  }
  const publicKey = kid ? await opts.publicKey(kid) : undefined;
  if (!publicKey) return { ok: false, code: "TOKEN_UNKNOWN_KEY" };
  try {
    const { payload } = await jwtVerify(token, publicKey, { algorithms: [TOKEN_ALG], issuer: opts.issuer, currentDate: opts.now, clockTolerance: 0 });
    if (typeof payload.sub !== "string" || typeof payload.jti !== "string" || typeof payload.client_id !== "string" || typeof payload.exp !== "number" || typeof payload.iat !== "number") {
      return { ok: false, code: "TOKEN_BAD_CLAIMS" };
    }
    return { ok: true, claims: { iss: payload.iss!, sub: payload.sub, client_id: payload.client_id, jti: payload.jti, iat: payload.iat, exp: payload.exp } };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) return { ok: false, code: "TOKEN_EXPIRED" };
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) return { ok: false, code: "TOKEN_BAD_SIGNATURE" };
    if (err instanceof joseErrors.JWTClaimValidationFailed) return { ok: false, code: "TOKEN_BAD_CLAIMS" };
    return { ok: false, code: "TOKEN_MALFORMED" };
  }
}
