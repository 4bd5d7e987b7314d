import { withApiAuth } from "@/lib/next/api";
import { v1CreateEntry } from "@/lib/server/admin-api/keystore";
import { listKeystore } from "@/lib/server/keystore/queries";

export const dynamic = "force-dynamic";

/** The Key Store (no key material): q, usage, status, expiringWithinDays, sort, page as on the page. */
export const GET = withApiAuth<{ groupId: string }>({ versions: ["2026-01-01"], action: "v1.keystore.list" }, async ({ ctx, params, url }) => {
  const r = await listKeystore(ctx, params.groupId, Object.fromEntries(url.searchParams));
  return { body: { results: r.items, totalCount: r.total, pageNum: r.page, itemsPerPage: r.pageSize, counts: r.counts } };
});

/** "New": create a key pair and its certificate (self-signed or by a CA of the store). */
export const POST = withApiAuth<{ groupId: string }>({ versions: ["2026-01-01"], action: "v1.keystore.create" }, async ({ ctx, params, body }) => ({ status: 201, body: await v1CreateEntry(ctx, params.groupId, (await body()) as Record<string, unknown>) }));
