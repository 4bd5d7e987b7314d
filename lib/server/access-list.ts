import "server-only";
import { GatehouseError } from "../errors";
import { parseAccessEntry } from "../oauth/ip-access";

// API Access Lists (service accounts and API keys alike): Atlas's body is an array of
// {ipAddress} or {cidrBlock}, each optionally with a comment.

export type AccessListInputEntry = { ipAddress?: string; cidrBlock?: string; comment?: string };

const field = (name: string, message: string) => new GatehouseError("VALIDATION", message, { fieldErrors: { [name]: [message] } });

export function parseAccessEntries(entries: AccessListInputEntry[]): { entry: string; comment: string | null }[] {
  return entries.map((e, i) => {
    const raw = e.cidrBlock ?? e.ipAddress;
    if (!raw || (e.cidrBlock && e.ipAddress)) throw field(`entries.${i}`, "Give either an IP address or a CIDR block.");
    const r = parseAccessEntry(raw);
    if (!r.ok) throw field(`entries.${i}`, r.message);
    if (e.ipAddress && r.kind === "cidr") throw field(`entries.${i}`, `"${raw}" is a CIDR block: send it as cidrBlock.`);
    return { entry: r.entry, comment: e.comment ?? null };
  });
}

/** The canonical form of an entry named in a DELETE (path-escaped "10.0.0.0%2F8" arrives decoded). */
export function entryKey(raw: string): string | null {
  const r = parseAccessEntry(raw);
  return r.ok ? r.entry : null;
}
