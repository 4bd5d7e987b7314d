import "server-only";
import { recordAudit, type AuditFields } from "../audit";
import { now } from "../clock";
import { GatehouseError, notFound } from "../errors";
import { parseAccessEntry } from "../oauth/ip-access";
import { actorOf, type PrincipalCtx } from "./context";

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
    if (e.ipAddress && raw.includes("/")) throw field(`entries.${i}`, `"${raw}" is a CIDR block: send it as cidrBlock.`);
    return { entry: r.entry, comment: e.comment ?? null };
  });
}

/** The canonical form of an entry named in a DELETE (path-escaped "10.0.0.0%2F8" arrives decoded). */
export function entryKey(raw: string): string | null {
  const r = parseAccessEntry(raw);
  return r.ok ? r.entry : null;
}

/** Adds entries to an owner's list in one transaction with its audit event; returns the list. */
export async function addToAccessList(ctx: PrincipalCtx, ownerId: string, raw: AccessListInputEntry[], audit: (entries: string[]) => AuditFields) {
  const parsed = parseAccessEntries(raw);
  await ctx.rt.store.transaction(async (tx) => {
    for (const p of parsed) await tx.accessLists.add({ ownerId, entry: p.entry, comment: p.comment, createdAt: now().toISOString() });
    await recordAudit(tx, actorOf(ctx), audit(parsed.map((p) => p.entry)));
  });
  return ctx.rt.store.accessLists.list(ownerId);
}

/**
 * Removes the entry however it is spelled, with any stored spelling of the same entry (lists
 * stored before entries were canonical can hold "1.2.3.4/32" beside "1.2.3.4"): otherwise the
 * address would stay allowed after its removal.
 */
export async function removeFromAccessList(ctx: PrincipalCtx, ownerId: string, raw: string, audit: (entry: string) => AuditFields) {
  const entry = entryKey(raw);
  await ctx.rt.store.transaction(async (tx) => {
    const same = entry ? (await tx.accessLists.list(ownerId)).filter((e) => e.entry === entry || entryKey(e.entry) === entry) : [];
    let removed = false;
    for (const e of same) removed = (await tx.accessLists.remove(ownerId, e.entry)) || removed;
    if (!entry || !removed) throw notFound("This access list entry");
    await recordAudit(tx, actorOf(ctx), audit(entry));
  });
}
