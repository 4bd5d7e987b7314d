import { withSession } from "@/lib/next/route";
import { inventoryCsv, keystoreInventory } from "@/lib/server/keystore/inventory";

export const GET = withSession<{ projectId: string }>(async (ctx, req, { projectId }) => {
  const url = new URL(req.url);
  const days = Number(url.searchParams.get("expiring")) > 0 ? Math.min(3650, Math.floor(Number(url.searchParams.get("expiring")))) : undefined;
  const json = url.searchParams.get("format") === "json";
  const inv = await keystoreInventory(ctx, projectId, { expiringWithinDays: days });
  return new Response(json ? JSON.stringify(inv.items, null, 2) : inventoryCsv(inv.items), {
    headers: {
      "content-type": json ? "application/json; charset=utf-8" : "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="keystore-inventory-${projectId}.${json ? "json" : "csv"}"`,
      "cache-control": "no-store",
    },
  });
});
