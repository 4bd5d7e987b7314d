import { z } from "zod";
import { GatehouseError } from "../errors";

export const ZId = z.string().regex(/^[0-9a-f]{24}$/, "This id is not valid.");

// Names: letters and digits of any script, spaces and - _ . ( ) ; trimmed; 1–64 characters.
export const ZName = (what: string) => {
  const a = /^[aeiou]/i.test(what) ? "an" : "a"; // "an organization", "a project"
  const A = a === "an" ? "An" : "A";
  return z
    .string()
    .trim()
    .min(1, { message: `Enter ${a} ${what} name.`, abort: true })
    .max(64, `${A} ${what} name has at most 64 characters.`)
    .regex(/^[\p{L}\p{N}][\p{L}\p{N} _.()-]*$/u, `${A} ${what} name starts with a letter or digit and may contain letters, digits, spaces and - _ . ( ).`);
};

export const ZEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "An email address has at most 254 characters.")
  .pipe(z.email("Enter an email address such as ada@example.com."));

export const ZNewPassword = z
  .string()
  .min(12, "Use at least 12 characters.")
  .max(256, "Use at most 256 characters.");

export const ZVersion = z.coerce.number().int().min(1);

/** Parses or throws VALIDATION with a message per field (the forms show them next to the field). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of r.error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_form";
    (fieldErrors[key] ??= []).push(issue.message);
  }
  const first = r.error.issues[0];
  throw new GatehouseError("VALIDATION", first ? first.message : "The input is not valid.", { fieldErrors });
}
