// One family of expected errors with stable codes. Code that branches on an error reads `code`,
// never the message; the message is written for the user (what is wrong, what to do) and must
// never carry a secret.
export type ErrorCode =
  | "VALIDATION"
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "UNAUTHENTICATED"
  | "CONFLICT"
  | "STALE"
  | "RATE_LIMITED"
  | "BAD_PASSWORD"
  | "PASSWORD_CHANGE_REQUIRED"
  | "PAYLOAD_TOO_LARGE"
  | "SECRET_TAMPERED"
  | "MASTER_KEY"
  | "SETUP"
  | "BAD_PEM";

const STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  CONFLICT: 409,
  STALE: 409,
  RATE_LIMITED: 429,
  BAD_PASSWORD: 400,
  PASSWORD_CHANGE_REQUIRED: 403,
  PAYLOAD_TOO_LARGE: 413,
  SECRET_TAMPERED: 500,
  MASTER_KEY: 500,
  SETUP: 500,
  BAD_PEM: 400,
};

export type FieldErrors = Record<string, string[]>;

// Next bundles instrumentation, server actions and route handlers separately, so one process can
// hold several copies of this class and `instanceof` fails across them. A registry symbol marks
// every copy's instances the same way.
const BRAND = Symbol.for("gatehouse.error");

export class GatehouseError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly fieldErrors?: FieldErrors;
  readonly retryAfterSeconds?: number;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { fieldErrors?: FieldErrors; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "GatehouseError";
    this.code = code;
    this.fieldErrors = opts.fieldErrors;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export const isGatehouseError = (e: unknown): e is GatehouseError =>
  e instanceof GatehouseError || (typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true);

/** Re-throws a GatehouseError that names no field with its message at `field` (uploads). */
export async function atField<T>(field: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isGatehouseError(err) && !err.fieldErrors) throw new GatehouseError(err.code, err.message, { fieldErrors: { [field]: [err.message] }, cause: err });
    throw err;
  }
}

export function validationError(field: string, message: string): GatehouseError {
  return new GatehouseError("VALIDATION", message, { fieldErrors: { [field]: [message] } });
}

export function notFound(what = "This page"): GatehouseError {
  return new GatehouseError("NOT_FOUND", `${what} does not exist, or you do not have access to it.`);
}

export function conflict(field: string, message: string): GatehouseError {
  return new GatehouseError("CONFLICT", message, { fieldErrors: { [field]: [message] } });
}

export function stale(what: string): GatehouseError {
  return new GatehouseError(
    "STALE",
    `${what} was changed by someone else since you opened it. Reload the page and make your change again.`,
  );
}
