import { digestHash, type DigestAlgorithm } from "./algorithm";

/** HA1 = H(username:realm:password) — what a server may store instead of the password. */
export function digestHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}

export type DigestResponseInput = {
  algorithm: DigestAlgorithm;
  /** Hex HA1, from digestHa1 or a stored value. */
  ha1: string;
  method: string;
  /** The `uri` parameter exactly as the client sent it: the client hashed that string. */
  uri: string;
  nonce: string;
  nc: string;
  cnonce: string;
  /** As sent; ABNF literals are case-insensitive, so a client may hash "AUTH". Default "auth". */
  qop?: string;
};

/**
 * The `response` parameter for qop=auth (RFC 7616 §3.4.1):
 * H(HA1:nonce:nc:cnonce:qop:HA2) with HA2 = H(method:uri). Only qop=auth exists here; auth-int
 * and the qop-less RFC 2069 form are refused before this is reached.
 */
export function digestResponse(i: DigestResponseInput): string {
  const ha2 = digestHash(i.algorithm, `${i.method}:${i.uri}`);
  return digestHash(i.algorithm, `${i.ha1}:${i.nonce}:${i.nc}:${i.cnonce}:${i.qop ?? "auth"}:${ha2}`);
}
