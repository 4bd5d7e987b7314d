import { listEnvelope, withApiAuth } from "@/lib/next/api";
import { atlasCreateDatabaseUser, atlasListDatabaseUsers } from "@/lib/server/admin-api/database-users";

export const dynamic = "force-dynamic";
const opts = { versions: ["2023-01-01"] } as const;

export const GET = withApiAuth<{ groupId: string }>({ ...opts, action: "database_users.list" }, async ({ ctx, params, url }) => ({ body: listEnvelope(url, await atlasListDatabaseUsers(ctx, params.groupId)) }));

export const POST = withApiAuth<{ groupId: string }>({ ...opts, action: "database_users.create" }, async ({ ctx, params, body }) => ({ status: 201, body: await atlasCreateDatabaseUser(ctx, params.groupId, (await body()) as Record<string, unknown>) }));
