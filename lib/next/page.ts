import "server-only";
import { forbidden, notFound, redirect } from "next/navigation";
import { isAuthorizationError } from "../authz";
import { isGatehouseError } from "../errors";
import type { AuthedCtx } from "../server/context";
import { getRequestCtx } from "./request";

/** For pages: the signed-in context, or a redirect to sign in / to the forced password change. */
export async function requirePageCtx(): Promise<AuthedCtx> {
  const ctx = await getRequestCtx();
  if (!ctx.principal || !ctx.user) redirect("/login");
  if (ctx.user.mustChangePassword) redirect("/account/password");
  return ctx as AuthedCtx;
}

/**
 * Runs a read use case for a page. A scope the user cannot see at all renders 404; a page in a
 * scope they can see but whose role does not include it renders 403 (that reveals nothing new).
 */
export async function load<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isAuthorizationError(err) && err.decision.reason === "missing-role") forbidden();
    if (isGatehouseError(err) && err.code === "NOT_FOUND") notFound();
    throw err;
  }
}
