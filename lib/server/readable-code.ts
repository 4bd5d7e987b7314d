import "server-only";
import { randomInt } from "node:crypto";

// Codes a person reads off one screen and types into another: the setup code, invitation codes.
// 15 characters from an alphabet without look-alikes (no 0/O, 1/I/L, U), about 73 bits.
const ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789";

/** `XXXXX-XXXXX-XXXXX`, uniformly random. */
export function readableCode(): string {
  let s = "";
  for (let i = 0; i < 15; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5, 10)}-${s.slice(10, 15)}`;
}

/** The code as typed, compared without case, spaces or dashes. */
export const normalizeCode = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, "");
