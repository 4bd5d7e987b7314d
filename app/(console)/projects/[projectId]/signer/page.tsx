import { SignerForm } from "@/components/keystore/signer-form";
import { PageHeader } from "@/components/ui/page-header";
import { load, requirePageCtx } from "@/lib/next/page";
import { listSigningCas } from "@/lib/server/keystore/queries";
import { getProject } from "@/lib/server/projects";
import { importEntryAction, previewCsrAction, signCsrAction } from "../keystore/actions";

export const metadata = { title: "Certificate Signer" };

export default async function SignerPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const ctx = await requirePageCtx();
  const [{ project, org }, cas] = await load(() => Promise.all([getProject(ctx, projectId), listSigningCas(ctx, projectId)]));
  return (
    <>
      <PageHeader
        title="Certificate Signer Tool"
        crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name, href: `/projects/${project.id}` }, { label: "Certificate Management" }, { label: "Certificate Signer" }]}
        description="Sign a certificate request (.csr) with a CA of this project's Key Store."
      />
      <SignerForm projectId={projectId} cas={cas} sign={signCsrAction} importCert={importEntryAction} preview={previewCsrAction} />
    </>
  );
}
