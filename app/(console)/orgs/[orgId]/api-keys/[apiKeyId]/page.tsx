import { ApiKeyAccessListForm, EditApiKeyDialog } from "@/components/api-keys/forms";
import { ConfirmDelete } from "@/components/forms/confirm-delete";
import { InlineAction, ProjectAccessForm } from "@/components/service-accounts/forms";
import { PageHeader } from "@/components/ui/page-header";
import { Table, td, th } from "@/components/ui/table";
import { ORG_ROLES, PROJECT_ROLES, ROLE_NAMES, roleName } from "@/lib/authz";
import { load, requirePageCtx } from "@/lib/next/page";
import { orgAbilities } from "@/lib/server/abilities";
import { getApiKey } from "@/lib/server/api-keys/manage";
import { getOrg } from "@/lib/server/orgs";
import { listAllProjects } from "@/lib/server/projects";
import { addApiKeyAccessEntryAction, assignApiKeyProjectAction, deleteApiKeyAction, removeApiKeyAccessEntryAction, removeApiKeyProjectAction, updateApiKeyAction } from "../actions";

export const metadata = { title: "API Key" };
const roleOptions = ORG_ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }));
const projectRoleOptions = PROJECT_ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }));

export default async function ApiKeyPage({ params }: { params: Promise<{ orgId: string; apiKeyId: string }> }) {
  const { orgId, apiKeyId } = await params;
  const ctx = await requirePageCtx();
  const [org, k, projects] = await load(() => Promise.all([getOrg(ctx, orgId), getApiKey(ctx, { orgId, apiKeyId }), listAllProjects(ctx, orgId)]));
  const can = orgAbilities(ctx, orgId).manageServiceAccounts;
  const orgRoles = k.roles.filter((r) => r.orgId).map((r) => r.roleName);
  return (
    <>
      <PageHeader
        title={`API key ${k.publicKey}`}
        crumbs={[{ label: org.name, href: `/orgs/${orgId}` }, { label: "API Keys", href: `/orgs/${orgId}/api-keys` }, { label: k.publicKey }]}
        description={k.desc}
        actions={
          can ? (
            <div className="flex gap-2">
              <EditApiKeyDialog action={updateApiKeyAction} orgId={orgId} apiKey={{ id: k.id, desc: k.desc, orgRoles, version: k.version }} roles={roleOptions} />
              <ConfirmDelete what="API key" name={k.publicKey} action={deleteApiKeyAction} hidden={{ orgId, apiKeyId }} redirectTo={`/orgs/${orgId}/api-keys`} warning="Clients using this key are refused at once." />
            </div>
          ) : null
        }
      />
      <dl className="mb-6 grid max-w-3xl grid-cols-[10rem_1fr] gap-x-4 gap-y-2 text-sm">
        <dt className="font-medium">Private Key</dt>
        <dd className="font-mono text-xs">{k.privateKey}</dd>
        <dt className="font-medium">Roles</dt>
        <dd>{k.roles.map((r) => `${roleName(r.roleName)}${r.groupId ? ` (${k.projects.find((p) => p.projectId === r.groupId)?.projectName ?? r.groupId})` : ""}`).join(", ")}</dd>
      </dl>
      <section aria-labelledby="projects" className="mb-6 max-w-3xl">
        <h2 id="projects" className="mb-2 font-semibold">Project access</h2>
        {k.projects.length ? (
          <Table caption="Project access" head={<tr><th className={th}>Project</th><th className={th}>Project roles</th>{can ? <th className={th}><span className="sr-only">Actions</span></th> : null}</tr>}>
            {k.projects.map((p) => (
              <tr key={p.projectId}>
                <td className={td}>{p.projectName}</td>
                <td className={td}>{p.roles.map(roleName).join(", ")}</td>
                {can ? (
                  <td className={td}>
                    <InlineAction action={removeApiKeyProjectAction} label={`Remove from ${p.projectName}`} hidden={{ projectId: p.projectId, apiKeyId }} success="Removed from the project." />
                  </td>
                ) : null}
              </tr>
            ))}
          </Table>
        ) : (
          <p className="text-sm">No project roles: the organization roles apply.</p>
        )}
        {can && projects.length ? (
          <div className="mt-3">
            <ProjectAccessForm action={assignApiKeyProjectAction} hidden={{ apiKeyId }} projects={projects.map((p) => ({ value: p.id, label: p.name }))} roles={projectRoleOptions} />
          </div>
        ) : null}
      </section>
      <section aria-labelledby="access-list" className="max-w-3xl">
        <h2 id="access-list" className="mb-2 font-semibold">API Access List</h2>
        {k.accessList.length ? (
          <Table caption="API Access List" head={<tr><th className={th}>IP address or CIDR block</th><th className={th}>Comment</th>{can ? <th className={th}><span className="sr-only">Actions</span></th> : null}</tr>}>
            {k.accessList.map((e) => (
              <tr key={e.entry}>
                <td className={`${td} font-mono text-xs`}>{e.entry}</td>
                <td className={td}>{e.comment ?? ""}</td>
                {can ? (
                  <td className={td}>
                    <InlineAction action={removeApiKeyAccessEntryAction} label={`Remove ${e.entry}`} hidden={{ orgId, apiKeyId, entry: e.entry }} success="Removed from the access list." />
                  </td>
                ) : null}
              </tr>
            ))}
          </Table>
        ) : (
          <p className="text-sm">Empty: any address may use this key.</p>
        )}
        {can ? (
          <div className="mt-3">
            <ApiKeyAccessListForm action={addApiKeyAccessEntryAction} orgId={orgId} apiKeyId={apiKeyId} />
          </div>
        ) : null}
      </section>
    </>
  );
}
