import { withApiAuth } from "@/lib/next/api";
import { v1SignCsr } from "@/lib/server/admin-api/keystore";

export const dynamic = "force-dynamic";

/** Certificate Signer: {csr, caAlias, caPassword, usage, validityDays} → {certificate (PEM), subject, serial, notAfter}. */
export const POST = withApiAuth<{ groupId: string }>({ versions: ["2026-01-01"], action: "v1.signer.sign" }, async ({ ctx, params, body }) => ({ status: 201, body: await v1SignCsr(ctx, params.groupId, (await body()) as Record<string, unknown>) }));
