import { EditRolesDialog, GrantProjectAccessDialog, RemoveDialog } from "@/components/tenancy/forms";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, td, th } from "@/components/ui/table";
import { PROJECT_ROLES, ROLE_NAMES } from "@/lib/authz";
import { load, requirePageCtx } from "@/lib/next/page";
import { projectAbilities } from "@/lib/server/abilities";
import { listProjectAccessCandidates, listProjectMembers } from "@/lib/server/members";
import { getProject } from "@/lib/server/projects";
import { removeProjectUserAction, setProjectRolesAction } from "../../../actions";

export const metadata = { title: "Project Access" };

const roleOptions = PROJECT_ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }));

export default async function ProjectAccessPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const ctx = await requirePageCtx();
  const [{ project, org }, members] = await load(() => Promise.all([getProject(ctx, projectId), listProjectMembers(ctx, projectId)]));
  const can = projectAbilities(ctx, project);
  const candidates = can.manageMembers ? await load(() => listProjectAccessCandidates(ctx, projectId)) : [];
  return (
    <>
      <PageHeader
        title="Project Access"
        crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name, href: `/projects/${project.id}` }, { label: "Access Manager" }, { label: "Project Access" }]}
        description="Who may work in this project and with which project role. Organization Owners act as Project Owners in every project; Organization Read Only users can read every project."
        actions={can.manageMembers && candidates.length > 0 ? <GrantProjectAccessDialog action={setProjectRolesAction} projectId={project.id} candidates={candidates} roles={roleOptions} /> : null}
      />
      {members.length === 0 ? (
        <EmptyState title="Nobody has a project role yet">Give organization members a project role to let them work here.</EmptyState>
      ) : (
        <Table caption="Project users" head={<tr><th className={th}>Name</th><th className={th}>Email</th><th className={th}>Project roles</th>{can.manageMembers ? <th className={th}><span className="sr-only">Actions</span></th> : null}</tr>}>
          {members.map((m) => (
            <tr key={m.userId}>
              <td className={td}>{m.name}</td>
              <td className={td}>{m.email}</td>
              <td className={td}>{m.roleNames.join(", ")}</td>
              {can.manageMembers ? (
                <td className={`${td} flex gap-2`}>
                  <EditRolesDialog action={setProjectRolesAction} hidden={{ projectId, userId: m.userId, version: m.version }} roles={roleOptions} current={m.roles} who={m.name} legend="Project roles" />
                  <RemoveDialog action={removeProjectUserAction} hidden={{ projectId, userId: m.userId }} who={m.name} where={`project ${project.name}`} />
                </td>
              ) : null}
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
