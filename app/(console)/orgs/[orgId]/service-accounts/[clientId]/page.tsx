import { ConfirmDelete } from "@/components/forms/confirm-delete";
import { AccessListSection, ProjectAccessSection } from "@/components/access-manager/sections";
import { EditServiceAccountDialog, GenerateSecretDialog, RevokeSecretDialog } from "@/components/service-accounts/forms";
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

      <ProjectAccessSection
        projects={a.projects.map((p) => ({ projectId: p.projectId, projectName: p.projectName, roleNames: p.roles.map((r) => ROLE_NAMES[r]) }))}
        choices={projects.map((p) => ({ value: p.id, label: p.name }))}
        roles={projectRoles}
        owner={{ clientId }}
        canEdit={can}
        setAction={setProjectAccessAction}
        removeAction={removeProjectAccessAction}
      />
      <AccessListSection
        entries={a.accessList}
        owner={{ orgId, clientId }}
        canEdit={can}
        addAction={addAccessListEntryAction}
        removeAction={removeAccessListEntryAction}
        explanation="When the list is not empty, tokens of this account work only from these addresses (checked on every API call, not when minting)."
      />
    </>
  );
}
