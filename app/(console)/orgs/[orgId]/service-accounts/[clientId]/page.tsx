import { ConfirmDelete } from "@/components/forms/confirm-delete";
import { AccessListForm, EditServiceAccountDialog, GenerateSecretDialog, InlineAction, ProjectAccessForm, RevokeSecretDialog } from "@/components/service-accounts/forms";
import { PageHeader } from "@/components/ui/page-header";
import { Table, td, th } from "@/components/ui/table";
import { ORG_ROLES, PROJECT_ROLES, ROLE_NAMES } from "@/lib/authz";
import { load, requirePageCtx } from "@/lib/next/page";
import { orgAbilities } from "@/lib/server/abilities";
import { getOrg } from "@/lib/server/orgs";
import { listAllProjects } from "@/lib/server/projects";
import { getServiceAccount, maxSecretHours } from "@/lib/server/service-accounts/manage";
import { addAccessListEntryAction, deleteServiceAccountAction, generateSecretAction, removeAccessListEntryAction, removeProjectAccessAction, revokeSecretAction, setProjectAccessAction, updateServiceAccountAction } from "../actions";

export const metadata = { title: "Service Account" };

const orgRoles = ORG_ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }));
const projectRoles = PROJECT_ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }));
const when = (iso: string | null) => (iso ? `${iso.replace("T", " ").slice(0, 16)} UTC` : "never");

export default async function ServiceAccountPage({ params }: { params: Promise<{ orgId: string; clientId: string }> }) {
  const { orgId, clientId } = await params;
  const ctx = await requirePageCtx();
  const [org, a, projects] = await load(() => Promise.all([getOrg(ctx, orgId), getServiceAccount(ctx, { orgId, clientId }), listAllProjects(ctx, orgId)]));
  const can = orgAbilities(ctx, orgId).manageServiceAccounts;
  const maxHours = await maxSecretHours(ctx.rt, orgId);
  return (
    <>
      <PageHeader
        title={a.name}
        crumbs={[{ label: org.name, href: `/orgs/${orgId}` }, { label: "Service Accounts", href: `/orgs/${orgId}/service-accounts` }, { label: a.name }]}
        description={a.description}
        actions={
          can ? (
            <div className="flex gap-2">
              <EditServiceAccountDialog action={updateServiceAccountAction} orgId={orgId} account={a} roles={orgRoles} />
              <ConfirmDelete what="service account" name={a.name} action={deleteServiceAccountAction} hidden={{ orgId, clientId }} redirectTo={`/orgs/${orgId}/service-accounts`} warning="Its secrets are deleted and every access token it holds stops working at once." />
            </div>
          ) : null
        }
      />
      <dl className="mb-6 grid max-w-3xl grid-cols-[10rem_1fr] gap-x-4 gap-y-2 text-sm">
        <dt className="font-medium">Client ID</dt>
        <dd className="font-mono text-xs" data-testid="client-id">{a.clientId}</dd>
        <dt className="font-medium">Organization roles</dt>
        <dd>{a.roles.map((r) => ROLE_NAMES[r as keyof typeof ROLE_NAMES] ?? r).join(", ")}</dd>
        <dt className="font-medium">Token endpoint</dt>
        <dd className="font-mono text-xs">POST /api/oauth/token (grant_type=client_credentials, HTTP Basic with the Client ID and Secret)</dd>
      </dl>

      <section aria-labelledby="secrets" className="mb-6 max-w-3xl">
        <div className="mb-2 flex items-center gap-3">
          <h2 id="secrets" className="font-semibold">Client Secrets</h2>
          {can ? <GenerateSecretDialog action={generateSecretAction} orgId={orgId} clientId={clientId} maxHours={maxHours} defaultHours={a.secretExpiresAfterHours} /> : null}
        </div>
        <Table caption="Client Secrets" head={<tr><th className={th}>Secret</th><th className={th}>Created</th><th className={th}>Expires</th><th className={th}>Last used</th>{can ? <th className={th}><span className="sr-only">Actions</span></th> : null}</tr>}>
          {a.secrets.map((s) => (
            <tr key={s.id}>
              <td className={`${td} font-mono text-xs`}>{s.maskedSecretValue}</td>
              <td className={td}>{when(s.createdAt)}</td>
              <td className={td}>
                {when(s.expiresAt)}
                {s.expired ? " (expired)" : s.expiringSoon ? " (within 7 days)" : ""}
              </td>
              <td className={td}>{when(s.lastUsedAt)}</td>
              {can ? (
                <td className={td}>
                  <RevokeSecretDialog action={revokeSecretAction} orgId={orgId} clientId={clientId} secret={s} />
                </td>
              ) : null}
            </tr>
          ))}
        </Table>
      </section>

      <section aria-labelledby="projects" className="mb-6 max-w-3xl">
        <h2 id="projects" className="mb-2 font-semibold">Project access</h2>
        {a.projects.length ? (
          <Table caption="Project access" head={<tr><th className={th}>Project</th><th className={th}>Project roles</th>{can ? <th className={th}><span className="sr-only">Actions</span></th> : null}</tr>}>
            {a.projects.map((p) => (
              <tr key={p.projectId}>
                <td className={td}>{p.projectName}</td>
                <td className={td}>{p.roles.map((r) => ROLE_NAMES[r]).join(", ")}</td>
                {can ? (
                  <td className={td}>
                    <InlineAction action={removeProjectAccessAction} label={`Remove from ${p.projectName}`} hidden={{ projectId: p.projectId, clientId }} success="Removed from the project." />
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
            <ProjectAccessForm action={setProjectAccessAction} hidden={{ clientId }} projects={projects.map((p) => ({ value: p.id, label: p.name }))} roles={projectRoles} />
          </div>
        ) : null}
      </section>

      <section aria-labelledby="access-list" className="max-w-3xl">
        <h2 id="access-list" className="mb-2 font-semibold">API Access List</h2>
        <p className="mb-2 text-sm text-slate-600 dark:text-slate-300">When the list is not empty, tokens of this account work only from these addresses (checked on every API call, not when minting).</p>
        {a.accessList.length ? (
          <Table caption="API Access List" head={<tr><th className={th}>IP address or CIDR block</th><th className={th}>Comment</th>{can ? <th className={th}><span className="sr-only">Actions</span></th> : null}</tr>}>
            {a.accessList.map((e) => (
              <tr key={e.entry}>
                <td className={`${td} font-mono text-xs`}>{e.entry}</td>
                <td className={td}>{e.comment ?? ""}</td>
                {can ? (
                  <td className={td}>
                    <InlineAction action={removeAccessListEntryAction} label={`Remove ${e.entry}`} hidden={{ orgId, clientId, entry: e.entry }} success="Removed from the access list." />
                  </td>
                ) : null}
              </tr>
            ))}
          </Table>
        ) : (
          <p className="text-sm">Empty: any address may use this account&apos;s tokens.</p>
        )}
        {can ? (
          <div className="mt-3">
            <AccessListForm action={addAccessListEntryAction} orgId={orgId} clientId={clientId} />
          </div>
        ) : null}
      </section>
    </>
  );
}
