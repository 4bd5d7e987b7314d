import "server-only";
import { NextResponse } from "next/server";
import { isGatehouseError } from "../errors";
import type { AuthedCtx } from "../server/context";
import { requireUser } from "../server/guard";
import { handleServerError } from "./errors";
import { getRequestCtx } from "./request";

/** The Atlas-style error body every route answers with: {detail, error, errorCode, parameters, reason}. */
export function errorResponse(err: unknown): NextResponse {
  const e = handleServerError(err);
  const status = isGatehouseError(err) ? err.status : 500;
  const reason = REASONS[status] ?? "Error";
  const headers: Record<string, string> = { "cache-control": "no-store" };
  if (isGatehouseError(err) && err.retryAfterSeconds) headers["retry-after"] = String(err.retryAfterSeconds);
  return NextResponse.json({ detail: e.message, error: status, errorCode: e.code, parameters: [], reason }, { status, headers });
}

const REASONS: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 413: "Payload Too Large", 429: "Too Many Requests", 500: "Internal Server Error" };

/**
 * Route handlers signed in by the console session. (The Admin API issue adds bearer and digest
 * here; every handler still calls a use case that authorizes itself.)
 */
export function withSession<P>(handler: (ctx: AuthedCtx, req: Request, params: P) => Promise<Response>) {
  return async (req: Request, { params }: { params: Promise<P> }) => {
    try {
      const ctx = await getRequestCtx();
      requireUser(ctx);
      return await handler(ctx, req, await params);
    } catch (err) {
      return errorResponse(err);
    }
  };
}
