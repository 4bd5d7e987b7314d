import "server-only";
import { recordAudit, type AuditFields } from "../audit";
import { now } from "../clock";
import { notFound, validationError } from "../errors";
import { parseAccessEntry, storedEntryNames } from "../oauth/ip-access";
import { actorOf, type PrincipalCtx } from "./context";

// API Access Lists (service accounts and API keys alike): Atlas's body is an array of
// {ipAddress} or {cidrBlock}, each optionally with a comment.

export type AccessListInputEntry = { ipAddress?: string; cidrBlock?: string; comment?: string };

// One field's error, shown next to it.
const field = validationError;

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
 * Removes the entry a DELETE names (path-escaped "10.0.0.0%2F8" arrives decoded), however it is
 * spelled, with every stored entry that names the same thing as the caller check reads it: lists
 * stored before entries were canonical can hold "1.2.3.4/32" beside "1.2.3.4", or "10.0.0.5/8",
 * and the address would otherwise stay allowed after its removal. An entry that names nothing any
 * more goes by its stored text.
 */
export async function removeFromAccessList(ctx: PrincipalCtx, ownerId: string, raw: string, audit: (entry: string) => AuditFields) {
  const text = raw.trim();
  const named = storedEntryNames(text);
  await ctx.rt.store.transaction(async (tx) => {
    const same = (await tx.accessLists.list(ownerId)).filter((e) => e.entry === text || (named !== null && storedEntryNames(e.entry) === named));
    for (const e of same) await tx.accessLists.remove(ownerId, e.entry);
    if (same.length === 0) throw notFound("This access list entry");
    await recordAudit(tx, actorOf(ctx), audit(named ?? text));
  });
}
