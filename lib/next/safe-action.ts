import "server-only";
import { notFound, redirect } from "next/navigation";
import { createSafeActionClient } from "next-safe-action";
import type { AuthedCtx } from "../server/context";
import { handleServerError } from "./errors";
import { getRequestCtx } from "./request";

// The one action chain: public → signed-in. Every action declares its zod input schema, ends in
// `…Action` and calls exactly one use case, which authorizes itself.
export const publicAction = createSafeActionClient({
  handleServerError,
  defaultValidationErrorsShape: "flattened",
}).use(async ({ next }) => {
  const result = await next({ ctx: await getRequestCtx() });
  // A refused or hidden target answers like a missing page (HTTP 404), so a direct POST by a
  // user without the role learns nothing more than a click would show.
  if (result.serverError?.code === "NOT_FOUND") notFound();
  return result;
});

export const authedAction = publicAction.use(async ({ next, ctx }) => {
  if (!ctx.principal || !ctx.user) redirect("/login");
  if (ctx.user.mustChangePassword) redirect("/account/password");
  return next({ ctx: ctx as typeof ctx & AuthedCtx });
});
