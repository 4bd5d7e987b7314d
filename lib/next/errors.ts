import "server-only";
import { randomBytes } from "node:crypto";
import { isGatehouseError, type ErrorCode, type FieldErrors } from "../errors";
import { log } from "../log";

export type TActionError = {
  code: ErrorCode | "INTERNAL";
  message: string;
  fieldErrors?: FieldErrors;
  eventId?: string;
};

/**
 * Expected errors show their own message; anything else is logged with an event id and the user
 * sees only a generic message carrying that id (no stack, no internals, no secrets).
 */
export function handleServerError(err: unknown): TActionError {
  if (isGatehouseError(err)) {
    return { code: err.code, message: err.message, fieldErrors: err.fieldErrors };
  }
  return unexpectedError(err);
}

/** Logs `err` with a new event id and returns the generic message carrying that id. */
export function unexpectedError(err: unknown): TActionError & { eventId: string } {
  const eventId = randomBytes(6).toString("hex");
  log.error("unexpected error", {
    eventId,
    error: err instanceof Error ? err.name : typeof err,
    code: isGatehouseError(err) ? err.code : undefined,
    message: err instanceof Error ? err.message : undefined,
    stack: err instanceof Error ? err.stack : undefined,
  });
  return { code: "INTERNAL", message: `Something went wrong on our side. If it keeps happening, give your administrator this event id: ${eventId}.`, eventId };
}
