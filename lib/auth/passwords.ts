import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

// Stored as: scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>. Parameters live with the hash so they can
// be raised later without invalidating existing passwords (verify reads them from the string).
export type ScryptParams = { N: number; r: number; p: number; keyLength: number };

export const DEFAULT_PARAMS: ScryptParams = { N: 1 << 15, r: 8, p: 1, keyLength: 32 };

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const opts: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.N * params.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize("NFKC"), salt, params.keyLength, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64"), hash.toString("base64")].join("$");
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | null {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // Bounds scrypt itself accepts (N a power of two above 1) and that keep one verification within
  // 256 MiB; anything else is a corrupt record, which verifies as false instead of throwing.
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return null;
  if (N < 2 || N > 1 << 20 || (N & (N - 1)) !== 0 || r > 32 || p > 16 || 128 * N * r > 256 * 1024 * 1024) return null;
  const salt = Buffer.from(parts[4]!, "base64");
  const hash = Buffer.from(parts[5]!, "base64");
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return null;
  return { params: { N, r, p, keyLength: hash.length }, salt, hash };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const candidate = await scrypt(password, parsed.salt, parsed.params);
  return candidate.length === parsed.hash.length && timingSafeEqual(candidate, parsed.hash);
}

export function needsRehash(stored: string, params: ScryptParams = DEFAULT_PARAMS): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.N < params.N || parsed.params.r < params.r || parsed.params.p < params.p;
}

// A fixed hash to verify against when the e-mail is unknown, so a wrong e-mail costs the same time
// as a wrong password and the response time does not reveal which accounts exist.
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString("hex"));
  return dummy;
}
