import Link from "next/link";
import { NewConnectorDialog } from "@/components/connectors/forms";
import { ConnectorStatus } from "@/components/connectors/status";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, td, th } from "@/components/ui/table";
import { can } from "@/lib/authz";
import { load, requirePageCtx } from "@/lib/next/page";
import { connectorFormChoices, listConnectors } from "@/lib/server/connectors/queries";
import { getProject } from "@/lib/server/projects";
import { createConnectorAction } from "./actions";

export const metadata = { title: "Connectors" };

const SCHEMES = { x509: "Client Certificate Authentication", password: "Password", none: "None" } as const;

export default async function ConnectorsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const ctx = await requirePageCtx();
  const [{ project, org }, connectors, choices] = await load(() => Promise.all([getProject(ctx, projectId), listConnectors(ctx, projectId), connectorFormChoices(ctx, projectId)]));
  const canEdit = can(ctx.principal, "project.connectors.write", { orgId: project.orgId, projectId });
  return (
    <>
      <PageHeader
        title="Connectors"
        crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name, href: `/projects/${project.id}` }, { label: "Connectors" }]}
        description="MongoDB deployments this project connects to with the official driver — with a Key Store certificate (X.509), a password, or no authentication — checked when enabled and every few minutes after."
        actions={canEdit ? <NewConnectorDialog action={createConnectorAction} projectId={projectId} choices={choices} /> : null}
      />
      {connectors.length === 0 ? (
        <EmptyState title="No connectors yet">Create a Client certificate in the Key Store, add its subject in Database Access, then add a connector with the deployment&apos;s connection string and the certificate alias.</EmptyState>
      ) : (
        <Table caption="Connectors" head={<tr><th className={th}>Name</th><th className={th}>Connection String</th><th className={th}>Database Name</th><th className={th}>Authentication Scheme</th><th className={th}>Status</th></tr>}>
          {connectors.map((c) => (
            <tr key={c.id}>
              <td className={td}>
                <Link href={`/projects/${projectId}/connectors/${c.id}`}>{c.name}</Link>
                {c.managesUsers ? <span className="block text-xs text-slate-600 dark:text-slate-300">Manages database users</span> : null}
              </td>
              <td className={`${td} break-all font-mono text-xs`}>{c.connectionString}</td>
              <td className={td}>{c.databaseName}</td>
              <td className={td}>
                {SCHEMES[c.authScheme]}
                {c.certificateAlias ? <span className="block text-xs text-slate-600 dark:text-slate-300">{c.certificateAlias}</span> : null}
              </td>
              <td className={td}>
                <ConnectorStatus connector={c} projectId={projectId} compact />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
