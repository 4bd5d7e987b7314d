import type { AuditEventRecord } from "../store/types";

export const AUDIT_COLUMNS = ["id", "at", "actorLabel", "actorId", "orgId", "projectId", "action", "target", "outcome", "ip", "detail"] as const;

// Spreadsheets execute cells that start with = + - @ (and tab/CR); an auditor opening the export
// must not run a formula planted in an organization name. Prefix such cells with a quote.
function neutralize(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

// Quoted also when it holds ";": spreadsheets in many locales split CSV on ";", and the part after
// it would be a cell of its own, starting with whatever follows (`ci;=cmd|…` would run).
export function csvCell(v: unknown): string {
  const s = neutralize(v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvHeader = () => AUDIT_COLUMNS.join(",") + "\r\n";
export const csvRow = (e: AuditEventRecord) => AUDIT_COLUMNS.map((c) => csvCell(e[c])).join(",") + "\r\n";
