import Link from "next/link";
import { AddDatabaseUserDialog, DeleteDatabaseUserDialog, EditDatabaseUserDialog, RetrySyncButton } from "@/components/database-access/forms";
import { CopyButton } from "@/components/ui/copy-button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, td, th } from "@/components/ui/table";
import { can } from "@/lib/authz";
import { load, requirePageCtx } from "@/lib/next/page";
import { clientCertificateNames, listDatabaseUsers } from "@/lib/server/database-access/users";
import { getProject } from "@/lib/server/projects";
import { createDatabaseUserAction, deleteDatabaseUserAction, retryDatabaseUserSyncAction, updateDatabaseUserAction } from "./actions";

export const metadata = { title: "Database Access" };

const SYNC: Record<string, string> = { unmanaged: "Not managed (run the commands below)", pending: "Pending", in_sync: "In sync", failed: "Failed" };
const syncLabel = (u: { syncStatus: string; pendingDrop: boolean }) => (u.pendingDrop ? `Removal ${(SYNC[u.syncStatus] ?? u.syncStatus).toLowerCase()}` : (SYNC[u.syncStatus] ?? u.syncStatus));

export default async function DatabaseAccessPage({ params, searchParams }: { params: Promise<{ projectId: string }>; searchParams: Promise<{ add?: string }> }) {
  const [{ projectId }, sp] = await Promise.all([params, searchParams]);
  const ctx = await requirePageCtx();
  const [{ project, org }, list, certs] = await load(() => Promise.all([getProject(ctx, projectId), listDatabaseUsers(ctx, projectId), clientCertificateNames(ctx, projectId)]));
  const canEdit = can(ctx.principal, "project.dbusers.write", { orgId: project.orgId, projectId });
  return (
    <>
      <PageHeader
        title="Database Access"
        crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name, href: `/projects/${project.id}` }, { label: "Security" }, { label: "Database Access" }]}
        description="Database users of this project's deployment: password (SCRAM) users in admin, and Certificate (X.509) users in $external named by their certificate's subject."
        actions={canEdit ? <AddDatabaseUserDialog action={createDatabaseUserAction} projectId={projectId} certificates={certs} x509Enabled={list.x509Enabled} prefill={sp.add} /> : null}
      />
      {list.manager ? (
        <p className="mb-4 text-sm" data-testid="user-manager">
          Changes are applied to the deployment by the connector <Link href={`/projects/${projectId}/connectors/${list.manager.id}`}>{list.manager.name}</Link>
          {list.manager.enabled ? "." : " once it is enabled again (it is disabled)."}
        </p>
      ) : null}
      {!list.x509Enabled ? (
        <p className="mb-4 text-sm">
          Certificate users need <Link href={`/projects/${projectId}/security/advanced`}>Self-managed X.509 Authentication</Link> turned on.
        </p>
      ) : null}
      {list.users.length === 0 ? (
        <EmptyState title="No database users yet">Add the users your applications sign in with — for X.509, pick the Client certificate from the Key Store and its exact subject becomes the user name.</EmptyState>
      ) : (
        <Table caption="Database users" head={<tr><th className={th}>User name</th><th className={th}>Authentication Method</th><th className={th}>Roles</th><th className={th}>Temporary until</th><th className={th}>Sync status</th>{canEdit ? <th className={th}><span className="sr-only">Actions</span></th> : null}</tr>}>
          {list.users.map((u) => (
            <tr key={u.id}>
              <td className={`${td} break-all`}>
                {u.username}
                <span className="block text-xs text-slate-600 dark:text-slate-300">{u.database}{u.description ? ` · ${u.description}` : ""}</span>
              </td>
              <td className={td}>{u.authMethod === "X509" ? "Certificate" : "Password"}</td>
              <td className={td}>{u.roleLabels.join(", ")}</td>
              <td className={td}>{u.temporaryUntil ? u.temporaryUntil.replace("T", " ").slice(0, 16) + " UTC" : "—"}</td>
              <td className={td}>
                {syncLabel(u)}
                {u.syncError ? `: ${u.syncError}` : ""}
              </td>
              {canEdit ? (
                <td className={`${td} flex gap-2`}>
                  {u.syncStatus === "failed" || (u.syncStatus === "pending" && list.manager?.enabled) ? <RetrySyncButton action={retryDatabaseUserSyncAction} projectId={projectId} userId={u.id} /> : null}
                  {!u.pendingDrop ? <EditDatabaseUserDialog action={updateDatabaseUserAction} projectId={projectId} user={u} /> : null}
                  {!u.pendingDrop ? <DeleteDatabaseUserDialog action={deleteDatabaseUserAction} projectId={projectId} user={u} /> : null}
                </td>
              ) : null}
            </tr>
          ))}
        </Table>
      )}
      {list.mongosh ? (
        <section aria-labelledby="mongosh" className="mt-6">
          <div className="mb-2 flex items-center gap-2">
            <h2 id="mongosh" className="font-semibold">Apply on the deployment (mongosh)</h2>
            <CopyButton text={list.mongosh} label="Copy commands" />
          </div>
          <p className="mb-2 text-sm text-slate-600 dark:text-slate-300">No connector manages this deployment&apos;s users, so run these as a user administrator:</p>
          <pre tabIndex={0} aria-label="mongosh commands" className="max-w-4xl overflow-x-auto rounded bg-slate-100 p-3 text-xs dark:bg-slate-900" data-testid="mongosh-commands">{list.mongosh}</pre>
        </section>
      ) : null}
    </>
  );
}
