import "server-only";
import { now } from "../../clock";
import { csvCell } from "../../audit/export";
import type { PrincipalCtx } from "../context";
import { getProjectOrThrow } from "../guard";
import { shieldOf, trustGraph } from "./trust";

export type InventoryRow = {
  alias: string;
  usage: string;
  subject: string;
  issuer: string;
  serial: string;
  key: string;
  notBefore: string;
  notAfter: string;
  hasPrivateKey: boolean;
  status: string;
  statusReason: string;
  fingerprintSha256: string;
};

/**
 * For auditors: every entry (no key material), soonest expiry first, optionally only those expiring
 * within N days, plus how many expire in each of the next 12 months.
 */
export async function keystoreInventory(ctx: PrincipalCtx, projectId: string, opts: { expiringWithinDays?: number } = {}) {
  const project = await getProjectOrThrow(ctx, projectId, "project.keystore.read");
  const t = now();
  const { rows, nodes } = await trustGraph(ctx.rt.store, project.id);
  const limit = opts.expiringWithinDays ? t.getTime() + opts.expiringWithinDays * 86_400_000 : Infinity;
  const items: InventoryRow[] = rows
    .filter((r) => new Date(r.notAfter).getTime() < limit)
    .sort((a, b) => a.notAfter.localeCompare(b.notAfter))
    .map((r) => {
      const s = shieldOf(r.id, nodes, t);
      return {
        alias: r.alias, usage: r.usage, subject: r.subject, issuer: r.issuer, serial: r.serial, key: r.keyLabel,
        notBefore: r.notBefore, notAfter: r.notAfter, hasPrivateKey: r.hasPrivateKey, status: s.shield, statusReason: s.reason, fingerprintSha256: r.fingerprintSha256,
      };
    });
  const months = Array.from({ length: 12 }, (_, i) => {
    const start = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + i, 1));
    const end = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + i + 1, 1));
    const count = rows.filter((r) => {
      const na = new Date(r.notAfter);
      return na >= (i === 0 ? t : start) && na < end;
    }).length;
    return { month: start.toISOString().slice(0, 7), count };
  });
  const expired = rows.filter((r) => new Date(r.notAfter) <= t).length;
  return { items, months, expired, total: rows.length };
}

export const INVENTORY_COLUMNS: (keyof InventoryRow)[] = ["alias", "usage", "subject", "issuer", "serial", "key", "notBefore", "notAfter", "hasPrivateKey", "status", "statusReason", "fingerprintSha256"];

export function inventoryCsv(items: InventoryRow[]): string {
  return [INVENTORY_COLUMNS.join(","), ...items.map((r) => INVENTORY_COLUMNS.map((c) => csvCell(r[c])).join(","))].join("\r\n") + "\r\n";
}
