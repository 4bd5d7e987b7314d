import "server-only";
import { csvHeader, csvRow } from "../audit";
import { isGatehouseError } from "../errors";
import { ZAuditQuery, parseInput, type TAuditQuery } from "../schemas";
import type { AuditFilter } from "../store/types";
import type { PrincipalCtx } from "./context";
import { getOrgOrThrow, getProjectOrThrow } from "./guard";

export const AUDIT_PAGE_SIZE = 50;

export type AuditScope = { orgId: string } | { projectId: string };

async function filterFor(ctx: PrincipalCtx, scope: AuditScope, raw: TAuditQuery): Promise<{ filter: AuditFilter; page: number }> {
  // Authorize before looking at the filters: a refused caller learns nothing from validation.
  const base: AuditFilter =
    "projectId" in scope
      ? { projectId: (await getProjectOrThrow(ctx, scope.projectId, "project.audit.read")).id }
      : { orgId: (await getOrgOrThrow(ctx, scope.orgId, "org.audit.read")).id };
  const q = parseInput(ZAuditQuery, raw);
  // Dates are whole days in UTC; "to" includes the whole day it names.
  const to = q.to ? new Date(Date.parse(q.to + "T00:00:00.000Z") + 86_400_000).toISOString() : undefined;
  const from = q.from ? new Date(q.from + "T00:00:00.000Z").toISOString() : undefined;
  return { filter: { ...base, actor: q.actor || undefined, action: q.action || undefined, from, to }, page: q.page };
}

/**
 * One page of the trail. Filters the page cannot read (an end date before the start, a date that
 * does not exist) come back as `filterErrors` for the form, with no events, instead of failing.
 */
export async function listAuditEvents(ctx: PrincipalCtx, scope: AuditScope, raw: TAuditQuery) {
  let resolved: { filter: AuditFilter; page: number };
  try {
    resolved = await filterFor(ctx, scope, raw);
  } catch (err) {
    if (!isGatehouseError(err) || err.code !== "VALIDATION") throw err;
    const s = "projectId" in scope ? { projectId: scope.projectId } : { orgId: scope.orgId };
    const actions = await ctx.rt.store.audit.distinctActions(s);
    return { items: [], total: 0, page: 1, pageSize: AUDIT_PAGE_SIZE, actions, filterErrors: err.fieldErrors ?? { _form: [err.message] } };
  }
  const { filter, page } = resolved;
  const store = ctx.rt.store;
  const [{ items, total }, actions] = await Promise.all([
    store.audit.list(filter, { limit: AUDIT_PAGE_SIZE, offset: (page - 1) * AUDIT_PAGE_SIZE }),
    store.audit.distinctActions({ orgId: filter.orgId, projectId: filter.projectId }),
  ]);
  return { items, total, page, pageSize: AUDIT_PAGE_SIZE, actions, filterErrors: undefined as Record<string, string[]> | undefined };
}

/** The filtered trail as CSV or JSON (a JSON array), oldest first. Reading it is not audited as a change. */
export async function exportAuditEvents(ctx: PrincipalCtx, scope: AuditScope, raw: TAuditQuery, format: "csv" | "json"): Promise<string> {
  const { filter } = await filterFor(ctx, scope, raw);
  const parts: string[] = [];
  if (format === "csv") {
    parts.push(csvHeader());
    await ctx.rt.store.audit.each(filter, (e) => parts.push(csvRow(e)));
    return parts.join("");
  }
  parts.push("[");
  let first = true;
  await ctx.rt.store.audit.each(filter, (e) => {
    parts.push((first ? "\n" : ",\n") + JSON.stringify(e));
    first = false;
  });
  parts.push(first ? "]" : "\n]\n");
  return parts.join("");
}
