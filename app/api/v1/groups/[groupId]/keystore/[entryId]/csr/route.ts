import { withApiAuth } from "@/lib/next/api";
import { v1RequestCsr } from "@/lib/server/admin-api/keystore";

export const dynamic = "force-dynamic";

/** "Cert Request": {password} → {filename, csr (PEM)}. */
export const POST = withApiAuth<{ groupId: string; entryId: string }>({ versions: ["2026-01-01"], action: "v1.keystore.csr" }, async ({ ctx, params, body }) => ({ body: await v1RequestCsr(ctx, params.groupId, params.entryId, (await body()) as Record<string, unknown>) }));
