import { AuditView } from "@/components/audit/audit-view";
import { PageHeader } from "@/components/ui/page-header";
import { load, requirePageCtx } from "@/lib/next/page";
import { listAuditEvents } from "@/lib/server/audit";
import { getProject } from "@/lib/server/projects";

export const metadata = { title: "Project audit" };

export default async function ProjectAuditPage({ params, searchParams }: { params: Promise<{ projectId: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const [{ projectId }, sp] = await Promise.all([params, searchParams]);
  const ctx = await requirePageCtx();
  const query = { actor: sp.actor, action: sp.action, from: sp.from, to: sp.to };
  const [{ project, org }, events] = await load(() => Promise.all([getProject(ctx, projectId), listAuditEvents(ctx, { projectId }, { ...query, page: sp.page })]));
  return (
    <>
      <PageHeader title="Audit" crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name, href: `/projects/${project.id}` }, { label: "Audit" }]} description="Every change in this project, and every refused attempt." />
      <AuditView basePath={`/projects/${projectId}/audit`} query={query} {...events} />
    </>
  );
}
