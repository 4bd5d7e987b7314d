import { BlockList, isIP } from "node:net";

// API Access List entries: single addresses or CIDR blocks, IPv4 and IPv6, stored in one
// canonical form, so that two spellings of one entry are one entry (a duplicate is a duplicate,
// and deleting an address deletes it however it was typed):
//   - IPv6 as RFC 5952 writes it (lowercase, longest run of zeros compressed);
//   - an IPv4-mapped IPv6 address or block (::ffff:203.0.113.0/120) as the IPv4 one it names
//     (203.0.113.0/24): Node compares IPv4 clients as ::ffff:a.b.c.d, so a mapped block whose
//     prefix is counted over 128 bits would otherwise match far more than its author meant;
//   - a block of one address (/32, /128) as that address.
// A block with host bits set (10.0.0.5/8) is refused with the block it would name, not widened
// silently.

export type AccessEntry = { ok: true; entry: string; kind: "ip" | "cidr" } | { ok: false; message: string };

const EXAMPLE = "e.g. 203.0.113.7 or 10.0.0.0/8";

type Address = { family: 4 | 6; value: bigint };

function addressOf(text: string): Address | null {
  if (isIP(text) === 4) return { family: 4, value: text.split(".").reduce((v, o) => (v << 8n) | BigInt(Number(o)), 0n) };
  if (isIP(text) !== 6 || text.includes("%")) return null;
  // The WHATWG URL parser writes IPv6 in RFC 5952 form, all in hex (no dotted tail).
  const host = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  const [head, tail] = host.split("::");
  const groups = (s: string | undefined) => (s ? s.split(":") : []);
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return { family: 6, value: all.reduce((v, g) => (v << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

const MAPPED = 0xffffn << 32n;

function textOf(a: Address): string {
  if (a.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((a.value >> s) & 255n)).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => ((a.value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return new URL(`http://[${groups.join(":")}]/`).hostname.slice(1, -1);
}

/**
 * `maskHostBits` reads a block with host bits set as the block it names (how entries stored
 * before this check were matched) instead of refusing it; only storedEntryNames uses it.
 */
export function parseAccessEntry(raw: string, opts: { maskHostBits?: boolean } = {}): AccessEntry {
  const s = raw.trim();
  const [addrText, bitsText, extra] = s.split("/");
  if (extra !== undefined || !addrText) return { ok: false, message: `"${raw}" is not an IP address or a CIDR block (${EXAMPLE}).` };
  let addr = addressOf(addrText);
  if (!addr) {
    const zone = isIP(addrText) === 6 ? " Leave out the zone (the part from %)." : "";
    return { ok: false, message: `"${addrText}" is not an IP address (${EXAMPLE}).${zone}` };
  }
  let bits = addr.family === 4 ? 32 : 128;
  if (bitsText !== undefined) {
    if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > bits) return { ok: false, message: `The prefix length of "${s}" must be 0–${bits}.` };
    bits = Number(bitsText);
  }
  if (addr.family === 6 && addr.value >> 32n === MAPPED >> 32n) {
    if (bits < 96) return { ok: false, message: `"${s}" is an IPv4-mapped address with a prefix under 96, which would cover more than IPv4. Write the IPv4 block instead (${EXAMPLE}).` };
    addr = { family: 4, value: addr.value & 0xffffffffn };
    bits -= 96;
  }
  const width = addr.family === 4 ? 32 : 128;
  const hostMask = (1n << BigInt(width - bits)) - 1n;
  if (addr.value & hostMask && opts.maskHostBits) addr = { family: addr.family, value: addr.value & ~hostMask };
  if (addr.value & hostMask) {
    const block = `${textOf({ family: addr.family, value: addr.value & ~hostMask })}/${bits}`;
    return { ok: false, message: `"${s}" has host bits set: the block it names is ${block}. Enter ${block}, or the single address without a prefix.` };
  }
  if (bits === width) return { ok: true, entry: textOf(addr), kind: "ip" };
  return { ok: true, entry: `${textOf(addr)}/${bits}`, kind: "cidr" };
}

/**
 * What a stored entry names, in canonical form, read as ipAllowed reads it (a block stored with
 * host bits set names its block); null for one that names nothing any more.
 */
export function storedEntryNames(stored: string): string | null {
  const e = parseAccessEntry(stored, { maskHostBits: true });
  return e.ok ? e.entry : null;
}

/**
 * Empty list = no restriction (as Atlas). Stored entries are read through parseAccessEntry, so
 * one stored before the canonical form existed matches what it names: a mapped block its IPv4
 * addresses, a block with host bits set the block it names (as before). One that no longer
 * parses at all (a mapped block under /96) lets nobody in.
 */
export function ipAllowed(ip: string | null, entries: string[]): boolean {
  if (entries.length === 0) return true;
  if (!ip) return false;
  const client = parseAccessEntry(ip);
  if (!client.ok || client.kind !== "ip") return false;
  const family = isIP(client.entry) === 6 ? "ipv6" : "ipv4";
  const list = new BlockList();
  for (const stored of entries) {
    const named = storedEntryNames(stored);
    if (!named) continue;
    const [a, b] = named.split("/");
    const t = isIP(a!) === 6 ? "ipv6" : "ipv4";
    if (b === undefined) list.addAddress(a!, t);
    else list.addSubnet(a!, Number(b), t);
  }
  return list.check(client.entry, family);
}
