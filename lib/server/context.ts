import "server-only";
import type { Actor } from "../audit";
import type { Principal } from "../authz";
import type { UserRecord } from "../store/types";
import type { Runtime } from "./runtime";

/** Everything a use case knows about the request. Built by app/ (cookies, headers) or by tests. */
export type Ctx = {
  rt: Runtime;
  ip: string | null;
  userAgent: string | null;
  principal: Principal | null;
  user: UserRecord | null;
};

/** A signed-in person (the console). */
export type AuthedCtx = Ctx & { principal: Principal; user: UserRecord };
/** Anyone authenticated: a person, or a service account / API key over the Admin API. */
export type PrincipalCtx = Ctx & { principal: Principal };

export const actorOf = (ctx: Ctx): Actor => ({
  id: ctx.principal?.id ?? null,
  label: ctx.user?.email ?? ctx.principal?.label ?? "anonymous",
  ip: ctx.ip,
});
