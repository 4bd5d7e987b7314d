import { InlineAction, ProjectAccessForm } from "@/components/service-accounts/forms";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, td, th } from "@/components/ui/table";
import { PROJECT_ROLES, ROLE_NAMES, can } from "@/lib/authz";
import { load, requirePageCtx } from "@/lib/next/page";
import { getProject } from "@/lib/server/projects";
import { listServiceAccounts } from "@/lib/server/service-accounts/manage";
import { listProjectServiceAccounts } from "@/lib/server/service-accounts/project-access";
import { inviteServiceAccountAction, removeProjectServiceAccountAction } from "./actions";

export const metadata = { title: "Service Accounts" };
const roleOptions = PROJECT_ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }));

/** The project's side of service accounts: which of the organization's accounts have roles here. */
export default async function ProjectServiceAccountsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const ctx = await requirePageCtx();
  const [{ project, org }, accounts] = await load(() => Promise.all([getProject(ctx, projectId), listProjectServiceAccounts(ctx, projectId)]));
  const canInvite = can(ctx.principal, "project.service_accounts.write", { orgId: project.orgId, projectId });
  const orgAccounts = canInvite && can(ctx.principal, "org.service_accounts.read", { orgId: project.orgId }) ? await listServiceAccounts(ctx, project.orgId) : [];
  return (
    <>
      <PageHeader
        title="Service Accounts"
        crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name, href: `/projects/${project.id}` }, { label: "Access Manager" }, { label: "Service Accounts" }]}
        description="The organization's service accounts that hold roles in this project (the Admin API's :invite). Accounts are created at the organization level."
      />
      {accounts.length === 0 ? (
        <EmptyState title="No service account has a role in this project">Invite one of the organization&apos;s service accounts with the project roles it needs.</EmptyState>
      ) : (
        <Table caption="Project service accounts" head={<tr><th className={th}>Name</th><th className={th}>Client ID</th><th className={th}>Project roles</th>{canInvite ? <th className={th}><span className="sr-only">Actions</span></th> : null}</tr>}>
          {accounts.map((a) => (
            <tr key={a.clientId}>
              <td className={td}>{a.name}</td>
              <td className={`${td} font-mono text-xs`}>{a.clientId}</td>
              <td className={td}>{(a.projects.find((p) => p.projectId === projectId)?.roles ?? []).map((r) => ROLE_NAMES[r]).join(", ")}</td>
              {canInvite ? (
                <td className={td}>
                  <InlineAction action={removeProjectServiceAccountAction} label={`Remove ${a.name}`} hidden={{ projectId, clientId: a.clientId }} success="Removed from the project." />
                </td>
              ) : null}
            </tr>
          ))}
        </Table>
      )}
      {canInvite && orgAccounts.length ? (
        <section aria-labelledby="invite" className="mt-8 max-w-xl">
          <h2 id="invite" className="mb-2 font-semibold">Invite a service account</h2>
          <InviteForm projectId={projectId} accounts={orgAccounts.map((a) => ({ value: a.clientId, label: `${a.name} (${a.clientId})` }))} />
        </section>
      ) : null}
    </>
  );
}

function InviteForm({ projectId, accounts }: { projectId: string; accounts: { value: string; label: string }[] }) {
  // The project is fixed here; the account is the choice.
  return <ProjectAccessForm action={inviteServiceAccountAction} hidden={{ projectId }} projects={accounts} roles={roleOptions} choiceName="clientId" choiceLabel="Service account" />;
}
