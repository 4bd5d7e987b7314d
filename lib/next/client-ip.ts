import type { IncomingHttpHeaders } from "node:http";

/**
 * The client IP: the last X-Forwarded-For entry. `npm start` strips any client-sent
 * X-Forwarded-For unless GATEHOUSE_TRUST_PROXY is set, so Next fills it with the socket address;
 * behind a trusted proxy the last entry is the address that proxy saw.
 *
 * Takes a web `Headers` (App Router) or Node's header object (the Pages Router API routes of the
 * OAuth endpoints, pages/api/oauth): both routers get the same X-Forwarded-For from Next.
 */
export function clientIpFrom(h: Headers | IncomingHttpHeaders): string | null {
  const raw = h instanceof Headers ? h.get("x-forwarded-for") : h["x-forwarded-for"];
  const xff = Array.isArray(raw) ? raw.join(",") : raw;
  const last = xff?.split(",").map((s) => s.trim()).filter(Boolean).at(-1);
  if (!last) return null;
  return last.replace(/^::ffff:/, "").slice(0, 64);
}
