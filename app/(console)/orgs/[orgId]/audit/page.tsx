import { AuditView } from "@/components/audit/audit-view";
import { PageHeader } from "@/components/ui/page-header";
import { load, requirePageCtx } from "@/lib/next/page";
import { listAuditEvents } from "@/lib/server/audit";
import { getOrg } from "@/lib/server/orgs";

export const metadata = { title: "Organization audit" };

export default async function OrgAuditPage({ params, searchParams }: { params: Promise<{ orgId: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const [{ orgId }, sp] = await Promise.all([params, searchParams]);
  const ctx = await requirePageCtx();
  const query = { actor: sp.actor, action: sp.action, from: sp.from, to: sp.to };
  const [org, events] = await load(() => Promise.all([getOrg(ctx, orgId), listAuditEvents(ctx, { orgId }, { ...query, page: sp.page })]));
  return (
    <>
      <PageHeader title="Audit" crumbs={[{ label: org.name, href: `/orgs/${orgId}` }, { label: "Audit" }]} description="Every change in this organization and its projects, and every refused attempt." />
      <AuditView basePath={`/orgs/${orgId}/audit`} query={query} {...events} />
    </>
  );
}
