import Link from "next/link";
import { AddProviderDialog, CheckForm, EditProviderDialog, GenerateKeyDialog } from "@/components/embedding/forms";
import { ConfirmDelete } from "@/components/forms/confirm-delete";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, td, th } from "@/components/ui/table";
import { load, requirePageCtx } from "@/lib/next/page";
import { getEmbeddingKeyInfo } from "@/lib/server/embedding/embedding-key";
import { getEmbeddingPage, listEmbeddingProviders } from "@/lib/server/embedding/providers";
import { getProject } from "@/lib/server/projects";
import { checkEmbeddingTokenAction, checkSignedUrlAction, createEmbeddingProviderAction, deleteEmbeddingProviderAction, generateEmbeddingKeyAction, updateEmbeddingProviderAction } from "./actions";

export const metadata = { title: "Embedding" };

const OWNER_ONLY = "You must be a Project Owner to access the Authentication Settings page. As a non-admin user, you can still use embedded charts, but you must get a key from a Project Owner.";

/** Development › Embedding, with its Authentication Settings tab (Project Owners only). */
export default async function EmbeddingPage({ params, searchParams }: { params: Promise<{ projectId: string }>; searchParams: Promise<{ tab?: string }> }) {
  const { projectId } = await params;
  const { tab } = await searchParams;
  const ctx = await requirePageCtx();
  const [{ project, org }, { canManage: isOwner }] = await load(() => Promise.all([getProject(ctx, projectId), getEmbeddingPage(ctx, projectId)]));
  const auth = tab === "authentication";
  const base = `/projects/${projectId}/embedding`;
  const tabClass = (on: boolean) => `rounded-t-md border-b-2 px-3 py-2 text-sm no-underline ${on ? "border-slate-900 font-semibold dark:border-white" : "border-transparent"}`;
  return (
    <>
      <PageHeader
        title="Embedding"
        crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name, href: `/projects/${project.id}` }, { label: "Embedding" }]}
        description="Who may view this project's embedded charts and dashboards: authentication providers check each viewer's token; the deprecated embedding key signs URLs in Verified Signature mode."
      />
      <nav aria-label="Embedding views" className="mb-6 flex gap-2 border-b border-slate-200 dark:border-slate-700">
        <Link href={base} aria-current={auth ? undefined : "page"} className={tabClass(!auth)}>Overview</Link>
        <Link href={`${base}?tab=authentication`} aria-current={auth ? "page" : undefined} className={tabClass(auth)}>Authentication Settings</Link>
      </nav>
      {!auth ? (
        <section aria-labelledby="overview" className="max-w-2xl space-y-3 text-sm">
          <h2 id="overview" className="font-semibold">How embedding authenticates viewers</h2>
          <p>An embedded chart or dashboard renders only for a viewer whose token one of the project&apos;s authentication providers accepts: a Custom JWT (HS256 or RS256), or a Google ID token. A token is refused when it is missing, invalid, or its details do not match what the provider requires — with the Charts error code of the rule that failed.</p>
          <p>Custom JWT tokens must carry an exp in the future and an iat in the past, live at most 24 hours, be signed with HS256 or RS256 by the provider&apos;s key, and carry the provider&apos;s audience when one is set.</p>
          {isOwner ? <p><Link href={`${base}?tab=authentication`}>Configure authentication providers</Link></p> : <p>{OWNER_ONLY}</p>}
        </section>
      ) : !isOwner ? (
        <p role="note" className="max-w-2xl text-sm">{OWNER_ONLY}</p>
      ) : (
        <AuthenticationSettings ctx={ctx} projectId={projectId} />
      )}
    </>
  );
}

async function AuthenticationSettings({ ctx, projectId }: { ctx: Awaited<ReturnType<typeof requirePageCtx>>; projectId: string }) {
  const [providers, key] = await load(() => Promise.all([listEmbeddingProviders(ctx, projectId), getEmbeddingKeyInfo(ctx, projectId)]));
  return (
    <div className="space-y-10">
      <section aria-labelledby="providers">
        <div className="mb-3 flex items-center justify-between gap-4">
          <h2 id="providers" className="font-semibold">Authentication providers</h2>
          <AddProviderDialog action={createEmbeddingProviderAction} projectId={projectId} />
        </div>
        {providers.length === 0 ? (
          <EmptyState title="No authentication providers">Add a Custom JWT or Google provider: embedded charts that require authentication render only for tokens a provider accepts.</EmptyState>
        ) : (
          <Table caption="Authentication providers" head={<tr><th className={th}>Name</th><th className={th}>Provider</th><th className={th}>Settings</th><th className={th}><span className="sr-only">Actions</span></th></tr>}>
            {providers.map((p) => (
              <tr key={p.id}>
                <td className={td}>{p.name}</td>
                <td className={td}>{p.typeLabel}</td>
                <td className={`${td} break-all text-xs`}>{p.summary}</td>
                <td className={`${td} whitespace-nowrap`}>
                  <div className="flex gap-2">
                    <EditProviderDialog action={updateEmbeddingProviderAction} projectId={projectId} provider={p} />
                    <ConfirmDelete what="provider" name={p.name} action={deleteEmbeddingProviderAction} hidden={{ projectId, providerId: p.id, version: p.version }} warning="After you delete a provider, all embedded charts that it authenticated no longer render." />
                  </div>
                </td>
              </tr>
            ))}
          </Table>
        )}
      </section>
      <section aria-labelledby="test-token" className="max-w-2xl">
        <h2 id="test-token" className="mb-2 font-semibold">Test a token</h2>
        <CheckForm action={checkEmbeddingTokenAction} projectId={projectId} name="token" label="Viewer token (JWT)" submitLabel="Check token" hint="Paste a token your application hands the Embedding SDK. It is checked against every provider above and is not stored." />
      </section>
      <section aria-labelledby="embedding-key" className="max-w-2xl space-y-3">
        <div className="flex items-center justify-between gap-4">
          <h2 id="embedding-key" className="font-semibold">Embedding key (deprecated)</h2>
          <GenerateKeyDialog action={generateEmbeddingKeyAction} projectId={projectId} hasKey={key !== null} />
        </div>
        <p className="text-sm">
          {key ? (
            <>Active key <code data-testid="embedding-key-id">{key.id}</code>, generated {key.createdAt.replace("T", " ").slice(0, 16)} UTC by {key.createdBy}: {key.masked}</>
          ) : (
            "No embedding key. Verified Signature mode is deprecated: use authentication providers and the Embedding SDK instead."
          )}
        </p>
        <p className="text-xs text-slate-600 dark:text-slate-300">
          A signed URL is <code>…/embed/charts?id=…&amp;timestamp=…&amp;expires-in=…&amp;signature=…</code>, the signature being the hex HMAC-SHA256 of everything before <code>&amp;signature=</code> under the key. Generating a new key invalidates the previous one.
        </p>
        {key ? <CheckForm action={checkSignedUrlAction} projectId={projectId} name="url" label="Signed URL" submitLabel="Check URL" hint="Paste a URL your server signed; Gatehouse checks it with the active key." /> : null}
      </section>
    </div>
  );
}
