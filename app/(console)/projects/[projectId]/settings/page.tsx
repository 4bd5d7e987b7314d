import { ConfirmDelete } from "@/components/forms/confirm-delete";
import { RenameForm } from "@/components/tenancy/forms";
import { PageHeader } from "@/components/ui/page-header";
import { load, requirePageCtx } from "@/lib/next/page";
import { projectAbilities } from "@/lib/server/abilities";
import { getProjectForSettings } from "@/lib/server/projects";
import { deleteProjectAction, renameProjectAction } from "../../../actions";

export const metadata = { title: "Project settings" };

export default async function ProjectSettingsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const ctx = await requirePageCtx();
  const { project, org } = await load(() => getProjectForSettings(ctx, projectId));
  const can = projectAbilities(ctx, project);
  return (
    <>
      <PageHeader title="Project settings" crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name, href: `/projects/${project.id}` }, { label: "Settings" }]} />
      <section className="max-w-md space-y-8">
        <RenameForm action={renameProjectAction} idField="projectId" id={project.id} version={project.version} current={project.name} label="Project name" />
        {can.delete ? (
          <div className="rounded-lg border border-red-300 p-4 dark:border-red-900">
            <h2 className="font-semibold">Delete this project</h2>
            <p className="mb-3 mt-1 text-sm text-slate-600 dark:text-slate-300">Everyone loses access to it. Its audit trail is kept in the organization&apos;s audit.</p>
            <ConfirmDelete what="project" name={project.name} action={deleteProjectAction} hidden={{ projectId: project.id, version: project.version }} redirectTo={`/orgs/${org.id}`} />
          </div>
        ) : null}
      </section>
    </>
  );
}
