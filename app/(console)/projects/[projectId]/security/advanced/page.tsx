import { X509Dialog } from "@/components/database-access/forms";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, td, th } from "@/components/ui/table";
import { can } from "@/lib/authz";
import { load, requirePageCtx } from "@/lib/next/page";
import { getX509Settings } from "@/lib/server/database-access/x509";
import { listKeystore } from "@/lib/server/keystore/queries";
import { getProject } from "@/lib/server/projects";
import { saveX509Action } from "../../database-access/actions";

export const metadata = { title: "Advanced" };

export default async function AdvancedSecurityPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const ctx = await requirePageCtx();
  const [{ project, org }, x509, cas] = await load(() => Promise.all([getProject(ctx, projectId), getX509Settings(ctx, projectId), listKeystore(ctx, projectId, { usage: "CA" })]));
  const canEdit = can(ctx.principal, "project.security.write", { orgId: project.orgId, projectId });
  return (
    <>
      <PageHeader
        title="Advanced"
        crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name, href: `/projects/${project.id}` }, { label: "Security" }, { label: "Advanced" }]}
        description="Self-managed X.509 Authentication: the Certificate Authorities whose client certificates may sign in as Certificate database users."
      />
      <section aria-labelledby="x509" className="max-w-3xl rounded-lg border border-slate-200 p-4 dark:border-slate-800">
        <div className="flex items-start justify-between gap-4">
          <div>
            <h2 id="x509" className="font-semibold">Self-managed X.509 Authentication</h2>
            <p className="mt-1 text-sm" data-testid="x509-status">
              {x509.enabled ? "On" : "Off"}
            </p>
          </div>
          {canEdit ? <X509Dialog action={saveX509Action} projectId={projectId} version={x509.version} enabled={x509.enabled} keystoreCas={cas.items.map((c) => ({ id: c.id, alias: c.alias, subject: c.commonName }))} /> : null}
        </div>
        {x509.cas.length === 0 ? (
          <div className="mt-4">
            <EmptyState title="No Certificate Authority uploaded">Upload the CA that signs your client certificates (Key Store › Export gives you its PEM), or pick it from the Key Store.</EmptyState>
          </div>
        ) : (
          <div className="mt-4">
            <Table caption="Trusted Certificate Authorities" head={<tr><th className={th}>Subject</th><th className={th}>Valid until</th><th className={th}>SHA-256</th></tr>}>
              {x509.cas.map((c) => (
                <tr key={c.sha256}>
                  <td className={`${td} break-all`}>{c.subject}</td>
                  <td className={td}>{c.notAfter.slice(0, 10)}</td>
                  <td className={`${td} font-mono text-xs`}>{c.sha256.slice(0, 16)}…</td>
                </tr>
              ))}
            </Table>
          </div>
        )}
      </section>
    </>
  );
}
