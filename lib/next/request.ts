import "server-only";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import type { Ctx } from "../server/context";
import { loadPrincipal } from "../server/principal";
import { getRuntime, type Runtime } from "../server/runtime";
import { resolveSession, SESSION_COOKIE } from "../server/sessions";
import { clientIpFrom } from "./client-ip";

// The Next.js edge of Gatehouse: turns cookies and headers into the plain Ctx the use cases take.

export function isSecureRequest(rt: Runtime, h: Headers): boolean {
  if (rt.config.publicUrl?.startsWith("https://")) return true;
  return rt.config.trustProxy && h.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

/** One resolution per request (React cache), shared by layout, page and actions. */
export const getRequestCtx = cache(async (): Promise<Ctx & { sessionHash: string | null }> => {
  const rt = getRuntime();
  const h = await headers();
  const c = await cookies();
  const resolved = await resolveSession(rt, c.get(SESSION_COOKIE)?.value);
  const principal = resolved ? await loadPrincipal(rt.store, resolved.user) : null;
  return {
    rt,
    ip: clientIpFrom(h),
    userAgent: h.get("user-agent"),
    principal,
    user: resolved?.user ?? null,
    sessionHash: resolved?.idHash ?? null,
  };
});

export async function setSessionCookie(token: string, expiresAt: Date) {
  const rt = getRuntime();
  const h = await headers();
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: isSecureRequest(rt, h),
    path: "/",
    expires: expiresAt,
  });
}

export async function clearSessionCookie() {
  (await cookies()).delete(SESSION_COOKIE);
}
