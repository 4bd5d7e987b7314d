import { CertRequestDialog, ExportCertificateDialog, ExportWithKeyDialog, ManageEntry } from "@/components/keystore/entry-actions";
import { ChainDiagram } from "@/components/keystore/chain-diagram";
import { Shield } from "@/components/keystore/shield";
import { CopyButton } from "@/components/ui/copy-button";
import { PageHeader } from "@/components/ui/page-header";
import { load, requirePageCtx } from "@/lib/next/page";
import { keystoreAbilities } from "@/lib/server/keystore/abilities";
import { getEntryDetails } from "@/lib/server/keystore/queries";
import { getProject } from "@/lib/server/projects";
import { changeEntryPasswordAction, deleteEntryAction, exportCertificateAction, exportWithKeyAction, renameEntryAction, requestCsrAction } from "../actions";

export const metadata = { title: "Certificate details" };

const Row = ({ k, children }: { k: string; children: React.ReactNode }) => (
  <>
    <dt className="font-semibold">{k}</dt>
    <dd className="break-all">{children}</dd>
  </>
);

export default async function EntryPage({ params }: { params: Promise<{ projectId: string; entryId: string }> }) {
  const { projectId, entryId } = await params;
  const ctx = await requirePageCtx();
  const [{ project, org }, d] = await load(() => Promise.all([getProject(ctx, projectId), getEntryDetails(ctx, projectId, entryId)]));
  const can = keystoreAbilities(ctx, project);
  const ids = { projectId, entryId };
  const c = d.certificate;
  const sans = [...(c.sans.dns ?? []).map((x) => `DNS:${x}`), ...(c.sans.ip ?? []).map((x) => `IP:${x}`), ...(c.sans.email ?? []).map((x) => `email:${x}`), ...(c.sans.uri ?? []).map((x) => `URI:${x}`)];
  const opensslCmd = `openssl x509 -in ${d.entry.alias}.pem -noout -subject -nameopt RFC2253`;
  return (
    <>
      <PageHeader
        title={d.entry.alias}
        crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name, href: `/projects/${project.id}` }, { label: "Key Store", href: `/projects/${project.id}/keystore` }, { label: d.entry.alias }]}
        description={<Shield shield={d.trust.shield} reason={d.trust.reason} />}
        actions={
          <>
            <ExportCertificateDialog action={exportCertificateAction} ids={ids} />
            {can.exportKey && d.entry.hasPrivateKey ? <ExportWithKeyDialog action={exportWithKeyAction} ids={ids} alias={d.entry.alias} /> : null}
            {can.write && d.entry.hasPrivateKey ? <CertRequestDialog action={requestCsrAction} ids={ids} /> : null}
          </>
        }
      />
      <section aria-labelledby="mongo-user" className="mb-6 rounded-lg border border-slate-200 p-4 dark:border-slate-800">
        <h2 id="mongo-user" className="font-semibold">MongoDB user name</h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">The database user for this certificate in <code>$external</code> must have exactly this name (the RFC 2253 subject):</p>
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <code className="rounded bg-slate-100 px-2 py-1 text-sm dark:bg-slate-800" data-testid="mongodb-user-name">{d.mongodbUserName}</code>
          <CopyButton text={d.mongodbUserName} label="Copy user name" />
        </div>
        <p className="mt-2 text-xs text-slate-600 dark:text-slate-300">
          Same as <code>{opensslCmd}</code> prints (after <code>subject=</code>).
        </p>
        {d.warnings.length ? (
          <ul className="mt-3 space-y-1 text-sm text-amber-900 dark:text-amber-200" aria-label="Warnings">
            {d.warnings.map((w) => (
              <li key={w.code + w.message}>⚠ {w.message}</li>
            ))}
          </ul>
        ) : null}
      </section>
      <section aria-labelledby="chain" className="mb-6">
        <h2 id="chain" className="mb-2 font-semibold">Chain</h2>
        <ChainDiagram chain={d.trust.chain} projectId={projectId} />
      </section>
      <section aria-labelledby="fields" className="mb-6">
        <h2 id="fields" className="mb-2 font-semibold">Certificate</h2>
        <dl className="grid max-w-4xl grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
          <Row k="Certificate Usage">{d.entry.usage}{d.entry.trustedAnchor ? " (trusted CA of this project)" : ""}</Row>
          <Row k="Subject">{c.subject}</Row>
          <Row k="Issuer">{c.issuer}</Row>
          <Row k="Serial">{c.serial}</Row>
          <Row k="Valid from">{c.notBefore}</Row>
          <Row k="Valid until">{c.notAfter}</Row>
          <Row k="Key">{c.key}</Row>
          <Row k="Private key">{d.entry.hasPrivateKey ? "In the Key Store, encrypted under the entry's password" : "Not in the Key Store"}</Row>
          <Row k="Signature algorithm">{c.signatureAlgorithm}</Row>
          <Row k="Basic constraints">{c.basicConstraints}</Row>
          <Row k="Key usage">{c.keyUsage.join(", ") || "—"}</Row>
          <Row k="Extended key usage">{c.extKeyUsage.join(", ") || "—"}</Row>
          <Row k="Subject alternative names">{sans.join(", ") || "—"}</Row>
          <Row k="Subject key identifier">{c.subjectKeyId ?? "—"}</Row>
          <Row k="Authority key identifier">{c.authorityKeyId ?? "—"}</Row>
          <Row k="SHA-256 fingerprint">{c.sha256}</Row>
          <Row k="SHA-1 fingerprint">{c.sha1}</Row>
        </dl>
      </section>
      <section aria-labelledby="pem" className="mb-6">
        <div className="mb-2 flex items-center gap-2">
          <h2 id="pem" className="font-semibold">PEM</h2>
          <CopyButton text={c.pem} label="Copy PEM" />
        </div>
        <pre tabIndex={0} aria-label="Certificate PEM" className="max-w-3xl overflow-x-auto rounded bg-slate-100 p-3 text-xs dark:bg-slate-900">{c.pem}</pre>
      </section>
      {can.write ? (
        <section aria-labelledby="manage" className="mb-6">
          <h2 id="manage" className="mb-2 font-semibold">Manage</h2>
          <ManageEntry ids={ids} alias={d.entry.alias} version={d.entry.version} issuedCount={d.entry.issuedCount} hasKey={d.entry.hasPrivateKey} rename={renameEntryAction} changePassword={changeEntryPasswordAction} remove={deleteEntryAction} />
        </section>
      ) : null}
    </>
  );
}
