import { withApiAuth } from "@/lib/next/api";
import { exportCertificate } from "@/lib/server/keystore/export";

export const dynamic = "force-dynamic";

/** "Export": the certificate alone, ?format=pem (default) or der. */
export const GET = withApiAuth<{ groupId: string; entryId: string }>({ versions: ["2026-01-01"], action: "v1.keystore.export_certificate" }, async ({ ctx, params, url }) => {
  const f = await exportCertificate(ctx, { projectId: params.groupId, entryId: params.entryId, format: url.searchParams.get("format") ?? "pem" });
  return { raw: { bytes: Buffer.from(f.base64, "base64"), contentType: f.contentType, filename: f.filename } };
});
