import { BlockList, isIP } from "node:net";

// API Access List entries: single addresses or CIDR blocks, IPv4 and IPv6, stored canonical.

export type AccessEntry = { ok: true; entry: string; kind: "ip" | "cidr" } | { ok: false; message: string };

export function parseAccessEntry(raw: string): AccessEntry {
  const s = raw.trim();
  const [addr, bits, extra] = s.split("/");
  if (extra !== undefined || !addr) return { ok: false, message: `"${raw}" is not an IP address or a CIDR block (e.g. 203.0.113.7 or 10.0.0.0/8).` };
  const family = isIP(addr);
  if (!family) return { ok: false, message: `"${addr}" is not an IP address.` };
  if (bits === undefined) return { ok: true, entry: addr.toLowerCase(), kind: "ip" };
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return { ok: false, message: `The prefix length of "${s}" must be 0–${max}.` };
  return { ok: true, entry: `${addr.toLowerCase()}/${Number(bits)}`, kind: "cidr" };
}

/** Empty list = no restriction (as Atlas). */
export function ipAllowed(ip: string | null, entries: string[]): boolean {
  if (entries.length === 0) return true;
  if (!ip) return false;
  const addr = ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
  const family = isIP(addr);
  if (!family) return false;
  const list = new BlockList();
  for (const e of entries) {
    const [a, b] = e.split("/");
    const t = isIP(a!) === 6 ? "ipv6" : "ipv4";
    if (b === undefined) list.addAddress(a!, t);
    else list.addSubnet(a!, Number(b), t);
  }
  return list.check(addr, family === 6 ? "ipv6" : "ipv4");
}
