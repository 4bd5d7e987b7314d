import { z } from "zod";

// A real calendar day: "2026-02-30" would silently roll over to March, and "2026-13-01" would
// make the day-range arithmetic in lib/server/audit.ts throw a RangeError (a 500, not a message).
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isCalendarDay = (s: string) => {
  if (!DAY.test(s)) return true; // the regex reports this one
  const d = new Date(`${s}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

const ZDate = z
  .string()
  .trim()
  .regex(DAY, "Use a date such as 2026-01-31.")
  .refine(isCalendarDay, "This date does not exist. Use a date such as 2026-01-31.")
  .optional()
  .or(z.literal("").transform(() => undefined));

export const ZAuditQuery = z
  .object({
    actor: z.string().trim().max(254).optional(),
    action: z.string().trim().max(64).optional(),
    from: ZDate,
    to: ZDate,
    page: z.coerce.number().int().min(1).max(100000).default(1),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { path: ["to"], message: "The end date is before the start date." });
export type TAuditQuery = z.input<typeof ZAuditQuery>;
