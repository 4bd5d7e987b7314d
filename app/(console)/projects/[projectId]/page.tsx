import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { ROLE_NAMES, type Role } from "@/lib/authz";
import { load, requirePageCtx } from "@/lib/next/page";
import { projectAbilities } from "@/lib/server/abilities";
import { getProject } from "@/lib/server/projects";

export const metadata = { title: "Project overview" };

export default async function ProjectOverviewPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const ctx = await requirePageCtx();
  const { project, org } = await load(() => getProject(ctx, projectId));
  const can = projectAbilities(ctx, project);
  const myRoles = [...(ctx.principal.projectRoles[project.id] ?? []), ...(ctx.principal.orgRoles[project.orgId] ?? [])].map((r) => ROLE_NAMES[r as Role] ?? r);
  return (
    <>
      <PageHeader
        title={project.name}
        crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name }]}
        description="This project's overview. Its access features appear in the sidebar as they become available to your role."
      />
      <dl className="grid max-w-2xl grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
        <dt className="font-semibold">Project id</dt>
        <dd className="font-mono">{project.id}</dd>
        <dt className="font-semibold">Organization</dt>
        <dd>{org.name}</dd>
        <dt className="font-semibold">Created</dt>
        <dd>{project.createdAt.slice(0, 10)}</dd>
        <dt className="font-semibold">Your roles</dt>
        <dd>{myRoles.join(", ")}</dd>
      </dl>
      <ul className="mt-6 space-y-1 text-sm">
        {can.readMembers ? (
          <li>
            <Link href={`/projects/${project.id}/access`}>Who has access to this project</Link>
          </li>
        ) : null}
        {can.readAudit ? (
          <li>
            <Link href={`/projects/${project.id}/audit`}>This project&apos;s audit trail</Link>
          </li>
        ) : null}
      </ul>
    </>
  );
}
