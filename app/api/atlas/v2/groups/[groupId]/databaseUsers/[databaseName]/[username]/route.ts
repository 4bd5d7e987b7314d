import { withApiAuth } from "@/lib/next/api";
import { atlasDeleteDatabaseUser, atlasGetDatabaseUser, atlasUpdateDatabaseUser } from "@/lib/server/admin-api/database-users";

export const dynamic = "force-dynamic";
type P = { groupId: string; databaseName: string; username: string };
const opts = { versions: ["2023-01-01"] } as const;
// Segments arrive path-escaped (CN=a%2COU=b).
const names = (p: P) => [decodeURIComponent(p.databaseName), decodeURIComponent(p.username)] as const;

export const GET = withApiAuth<P>({ ...opts, action: "database_users.get" }, async ({ ctx, params }) => ({ body: await atlasGetDatabaseUser(ctx, params.groupId, ...names(params)) }));

export const PATCH = withApiAuth<P>({ ...opts, action: "database_users.update" }, async ({ ctx, params, body }) => ({ body: await atlasUpdateDatabaseUser(ctx, params.groupId, ...names(params), (await body()) as Record<string, unknown>) }));

export const DELETE = withApiAuth<P>({ ...opts, action: "database_users.delete" }, async ({ ctx, params }) => {
  await atlasDeleteDatabaseUser(ctx, params.groupId, ...names(params));
  return { status: 204 };
});
