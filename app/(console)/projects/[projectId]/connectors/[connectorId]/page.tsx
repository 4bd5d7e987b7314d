import { ConnectorButton, EditConnectorDialog } from "@/components/connectors/forms";
import { RefreshWhile } from "@/components/connectors/refresh-while";
import { ConnectorStatus } from "@/components/connectors/status";
import { ConfirmDelete } from "@/components/forms/confirm-delete";
import { ExportWithKeyDialog } from "@/components/keystore/entry-actions";
import { CopyButton } from "@/components/ui/copy-button";
import { PageHeader } from "@/components/ui/page-header";
import { Table, td, th } from "@/components/ui/table";
import { can } from "@/lib/authz";
import { load, requirePageCtx } from "@/lib/next/page";
import { connectorFormChoices, getConnectorDetails } from "@/lib/server/connectors/queries";
import { getProject } from "@/lib/server/projects";
import { exportWithKeyAction } from "../../keystore/actions";
import { checkConnectorNowAction, deleteConnectorAction, setConnectorEnabledAction, updateConnectorAction } from "../actions";

export const metadata = { title: "Connector" };

const SCHEMES = { x509: "Client Certificate Authentication", password: "Password", none: "None" } as const;

function Snippet({ title, code }: { title: string; code: string }) {
  return (
    <div className="mb-4">
      <div className="mb-1 flex items-center gap-2">
        <h3 className="text-sm font-semibold">{title}</h3>
        <CopyButton text={code} label={`Copy ${title}`} />
      </div>
      <pre tabIndex={0} aria-label={title} className="overflow-x-auto rounded bg-slate-100 p-3 text-xs dark:bg-slate-900">
        {code}
      </pre>
    </div>
  );
}

export default async function ConnectorPage({ params }: { params: Promise<{ projectId: string; connectorId: string }> }) {
  const { projectId, connectorId } = await params;
  const ctx = await requirePageCtx();
  const [{ project, org }, d, choices] = await load(() => Promise.all([getProject(ctx, projectId), getConnectorDetails(ctx, projectId, connectorId), connectorFormChoices(ctx, projectId)]));
  const scope = { orgId: project.orgId, projectId };
  const canEdit = can(ctx.principal, "project.connectors.write", scope);
  const canExportKey = can(ctx.principal, "project.keystore.export_key", scope);
  const c = d.connector;
  return (
    <>
      <RefreshWhile active={c.status === "checking"} />
      <PageHeader
        title={c.name}
        crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name, href: `/projects/${project.id}` }, { label: "Connectors", href: `/projects/${projectId}/connectors` }, { label: c.name }]}
        actions={
          canEdit ? (
            <div className="flex flex-wrap items-center gap-2">
              {c.enabled ? (
                <ConnectorButton action={setConnectorEnabledAction} projectId={projectId} connectorId={c.id} enabled={false} label="Disable" pendingLabel="Disabling…" />
              ) : (
                <ConnectorButton action={setConnectorEnabledAction} projectId={projectId} connectorId={c.id} enabled label="Enable" pendingLabel="Connecting…" />
              )}
              <ConnectorButton action={checkConnectorNowAction} projectId={projectId} connectorId={c.id} label="Check now" pendingLabel="Checking…" />
              <EditConnectorDialog action={updateConnectorAction} projectId={projectId} choices={choices} current={c} />
              <ConfirmDelete what="connector" name={c.name} action={deleteConnectorAction} hidden={{ projectId, connectorId: c.id, version: c.version }} redirectTo={`/projects/${projectId}/connectors`} warning="The connector stops checking the deployment and its stored password is deleted. The Key Store entry stays." />
            </div>
          ) : null
        }
      />
      <section aria-labelledby="status" className="mb-6 max-w-4xl rounded-lg border border-slate-200 p-4 dark:border-slate-800">
        <h2 id="status" className="mb-2 font-semibold">Status</h2>
        <ConnectorStatus connector={c} projectId={projectId} />
      </section>
      <dl className="mb-6 grid max-w-4xl grid-cols-[12rem_1fr] gap-x-4 gap-y-2 text-sm">
        <dt className="font-medium">Connection String</dt>
        <dd className="break-all font-mono text-xs">{c.connectionString}</dd>
        {d.warnings.length ? (
          <dd className="col-start-2 text-xs text-amber-900 dark:text-amber-200" data-testid="connection-string-warnings">
            {d.warnings.map((w) => (
              <span key={w} className="block">
                Warning: {w}
              </span>
            ))}
          </dd>
        ) : null}
        <dt className="font-medium">Database Name</dt>
        <dd>{c.databaseName}</dd>
        <dt className="font-medium">Authentication Scheme</dt>
        <dd>{SCHEMES[c.authScheme]}</dd>
        {c.authScheme === "x509" ? (
          <>
            <dt className="font-medium">Certificate Alias</dt>
            <dd>{c.certificateAlias ?? "— (no longer in the Key Store)"}</dd>
          </>
        ) : null}
        {c.authScheme === "password" ? (
          <>
            <dt className="font-medium">Username</dt>
            <dd>{c.username}</dd>
          </>
        ) : null}
        <dt className="font-medium">Password</dt>
        <dd>{c.hasSecret ? "Stored (sealed; never shown)" : "—"}</dd>
        <dt className="font-medium">Trusted CA</dt>
        <dd>{c.caAlias ?? "Public CAs"}</dd>
        <dt className="font-medium">Manages database users</dt>
        <dd>{c.managesUsers ? "Yes" : "No"}</dd>
      </dl>
      {d.snippets ? (
        <section aria-labelledby="connect" className="mb-6 max-w-4xl">
          <div className="mb-2 flex flex-wrap items-center gap-3">
            <h2 id="connect" className="font-semibold">Connect</h2>
            {canExportKey && c.certificateEntryId && c.certificateAlias ? <ExportWithKeyDialog action={exportWithKeyAction} ids={{ projectId, entryId: c.certificateEntryId }} alias={c.certificateAlias} trigger="Download combined PEM" /> : null}
          </div>
          <p className="mb-3 text-sm text-slate-600 dark:text-slate-300">
            Signs in as <code className="break-all">{d.snippets.userName}</code>. Save the combined PEM (certificate and encrypted key, “PEM for MongoDB drivers”) as <code>{d.snippets.certificateFileName}</code> next to the code and put its export password where the snippet says &lt;password&gt;.
          </p>
          <Snippet title="PyMongo" code={d.snippets.pymongoKwargs} />
          <Snippet title="PyMongo (connection string)" code={d.snippets.pymongoUri} />
          <Snippet title="Node.js driver" code={d.snippets.node} />
          <Snippet title="mongosh" code={d.snippets.mongosh} />
        </section>
      ) : null}
      <section aria-labelledby="history" className="max-w-4xl">
        <h2 id="history" className="mb-2 font-semibold">Status history</h2>
        {d.history.length === 0 ? (
          <p className="text-sm">No checks yet. Enable the connector or use Check now.</p>
        ) : (
          <Table caption="Status history" head={<tr><th className={th}>When (UTC)</th><th className={th}>Trigger</th><th className={th}>Result</th><th className={th}>Took</th></tr>}>
            {d.history.map((h, i) => (
              <tr key={i}>
                <td className={`${td} whitespace-nowrap`}>{h.at.replace("T", " ").slice(0, 19)}</td>
                <td className={td}>{h.trigger}</td>
                <td className={`${td} break-all`}>{h.summary}</td>
                <td className={td}>{h.durationMs} ms</td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </>
  );
}
