import { withApiAuth } from "@/lib/next/api";
import { getEntryDetails } from "@/lib/server/keystore/queries";

export const dynamic = "force-dynamic";

export const GET = withApiAuth<{ groupId: string; entryId: string }>({ versions: ["2026-01-01"], action: "v1.keystore.get" }, async ({ ctx, params }) => {
  const d = await getEntryDetails(ctx, params.groupId, params.entryId);
  return { body: { entry: d.entry, certificate: d.certificate, mongodbUserName: d.mongodbUserName, warnings: d.warnings, trust: d.trust } };
});
