import { AccessListSection, ProjectAccessSection } from "@/components/access-manager/sections";
import { EditApiKeyDialog } from "@/components/api-keys/forms";
import { ConfirmDelete } from "@/components/forms/confirm-delete";
import { PageHeader } from "@/components/ui/page-header";
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
      <ProjectAccessSection
        projects={k.projects.map((p) => ({ projectId: p.projectId, projectName: p.projectName, roleNames: p.roles.map(roleName) }))}
        choices={projects.map((p) => ({ value: p.id, label: p.name }))}
        roles={projectRoleOptions}
        owner={{ apiKeyId }}
        canEdit={can}
        setAction={assignApiKeyProjectAction}
        removeAction={removeApiKeyProjectAction}
      />
      <AccessListSection
        entries={k.accessList}
        owner={{ orgId, apiKeyId }}
        canEdit={can}
        addAction={addApiKeyAccessEntryAction}
        removeAction={removeApiKeyAccessEntryAction}
        explanation="When the list is not empty, this key works only from these addresses."
      />
    </>
  );
}
