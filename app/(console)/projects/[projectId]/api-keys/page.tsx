import { CreateApiKeyDialog } from "@/components/api-keys/forms";
import { InlineAction, ProjectAccessForm } from "@/components/service-accounts/forms";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, td, th } from "@/components/ui/table";
import { PROJECT_ROLES, ROLE_NAMES, can, roleName } from "@/lib/authz";
import { load, requirePageCtx } from "@/lib/next/page";
import { listApiKeys, listProjectApiKeys } from "@/lib/server/api-keys/manage";
import { getProject } from "@/lib/server/projects";
import { assignProjectApiKeyAction, createProjectApiKeyAction, removeProjectApiKeyAction } from "./actions";

export const metadata = { title: "API Keys" };
const roleOptions = PROJECT_ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }));

/**
 * The project's side of programmatic API keys (Atlas's Project Access Manager › API Keys): the
 * organization's keys with roles here, a key made for this project only, and assigning an
 * existing organization key.
 */
export default async function ProjectApiKeysPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const ctx = await requirePageCtx();
  const [{ project, org }, keys] = await load(() => Promise.all([getProject(ctx, projectId), listProjectApiKeys(ctx, projectId)]));
  const canWrite = can(ctx.principal, "project.service_accounts.write", { orgId: project.orgId, projectId });
  const assigned = new Set(keys.map((k) => k.id));
  const orgKeys = canWrite && can(ctx.principal, "org.service_accounts.read", { orgId: project.orgId }) ? (await listApiKeys(ctx, project.orgId)).filter((k) => !assigned.has(k.id)) : [];
  return (
    <>
      <PageHeader
        title="API Keys"
        crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name, href: `/projects/${project.id}` }, { label: "Access Manager" }, { label: "API Keys" }]}
        description="Programmatic API keys with roles in this project (HTTP Digest on the Admin API). A key created here belongs to the organization but has roles in this project only."
        actions={canWrite ? <CreateApiKeyDialog action={createProjectApiKeyAction} hidden={{ projectId }} roles={roleOptions} rolesLegend="Project roles" /> : null}
      />
      {keys.length === 0 ? (
        <EmptyState title="No API key has a role in this project">Create a key for this project, or assign one of the organization&apos;s keys with the project roles it needs.</EmptyState>
      ) : (
        <Table
          caption="Project API keys"
          head={
            <tr>
              <th className={th}>Public Key</th>
              <th className={th}>Description</th>
              <th className={th}>Private Key</th>
              <th className={th}>Project roles</th>
              <th className={th}>Last used</th>
              {canWrite ? <th className={th}><span className="sr-only">Actions</span></th> : null}
            </tr>
          }
        >
          {keys.map((k) => (
            <tr key={k.id}>
              <td className={`${td} font-mono`}>{k.publicKey}</td>
              <td className={td}>{k.desc}</td>
              <td className={`${td} font-mono text-xs`}>{k.privateKey}</td>
              <td className={td}>{(k.projects.find((p) => p.projectId === projectId)?.roles ?? []).map((r) => roleName(r)).join(", ")}</td>
              <td className={td}>{k.lastUsedAt ? k.lastUsedAt.replace("T", " ").slice(0, 16) : "never"}</td>
              {canWrite ? (
                <td className={td}>
                  <InlineAction action={removeProjectApiKeyAction} label={`Remove ${k.publicKey}`} hidden={{ projectId, apiKeyId: k.id }} success="Removed from the project." />
                </td>
              ) : null}
            </tr>
          ))}
        </Table>
      )}
      {canWrite && orgKeys.length ? (
        <section aria-labelledby="assign" className="mt-8 max-w-xl">
          <h2 id="assign" className="mb-2 font-semibold">Assign an organization API key</h2>
          <ProjectAccessForm action={assignProjectApiKeyAction} hidden={{ projectId }} projects={orgKeys.map((k) => ({ value: k.id, label: `${k.publicKey} — ${k.desc}` }))} roles={roleOptions} choiceName="apiKeyId" choiceLabel="API key" />
        </section>
      ) : null}
    </>
  );
}
