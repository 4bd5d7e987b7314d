import type { ReactNode } from "react";
import { Shell } from "@/components/shell/shell";
import { load, requirePageCtx } from "@/lib/next/page";
import { getShellData } from "@/lib/server/shell";

export default async function OrgLayout({ children, params }: { children: ReactNode; params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const ctx = await requirePageCtx();
  const shell = await load(() => getShellData(ctx, { orgId }));
  return (
    <Shell {...shell} currentOrgId={orgId}>
      {children}
    </Shell>
  );
}
