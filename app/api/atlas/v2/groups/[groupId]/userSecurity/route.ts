import { withApiAuth } from "@/lib/next/api";
import { atlasGetUserSecurity, atlasPatchUserSecurity } from "@/lib/server/admin-api/database-users";

export const dynamic = "force-dynamic";
const opts = { versions: ["2023-01-01"] } as const;

export const GET = withApiAuth<{ groupId: string }>({ ...opts, action: "user_security.get" }, async ({ ctx, params }) => ({ body: await atlasGetUserSecurity(ctx, params.groupId) }));

/** {"customerX509":{"cas":"-----BEGIN CERTIFICATE-----…"}} → 202. */
export const PATCH = withApiAuth<{ groupId: string }>({ ...opts, action: "user_security.update" }, async ({ ctx, params, body }) => ({ status: 202, body: await atlasPatchUserSecurity(ctx, params.groupId, await body()) }));
