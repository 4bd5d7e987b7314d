import Link from "next/link";
import { ImportDialog } from "@/components/keystore/import-dialog";
import { NewEntryDialog } from "@/components/keystore/new-entry-dialog";
import { KeystoreFilters } from "@/components/keystore/filters";
import { Shield } from "@/components/keystore/shield";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { SortHeader } from "@/components/ui/sort-header";
import { Table, td, th } from "@/components/ui/table";
import { load, requirePageCtx } from "@/lib/next/page";
import { keystoreAbilities } from "@/lib/server/keystore/abilities";
import { listCaAliases, listKeystore } from "@/lib/server/keystore/queries";
import { getProject } from "@/lib/server/projects";
import { createEntryAction, importEntryAction } from "./actions";

export const metadata = { title: "Key Store" };

export default async function KeystorePage({ params, searchParams }: { params: Promise<{ projectId: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const [{ projectId }, sp] = await Promise.all([params, searchParams]);
  const ctx = await requirePageCtx();
  const [{ project, org }, list] = await load(() => Promise.all([getProject(ctx, projectId), listKeystore(ctx, projectId, sp)]));
  const can = keystoreAbilities(ctx, project);
  const cas = can.write ? await load(() => listCaAliases(ctx, projectId)) : [];
  const base = `/projects/${projectId}/keystore`;
  const query = { q: sp.q, usage: sp.usage, status: sp.status, expiring: sp.expiring, sort: sp.sort, desc: sp.desc };
  const sort = { current: list.query.sort, desc: list.query.desc === "1", base, query };
  return (
    <>
      <PageHeader
        title="User Key Store"
        crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name, href: `/projects/${project.id}` }, { label: "Certificate Management" }, { label: "Key Store" }]}
        description="The project's certificates and their password-protected private keys: CAs, and the Client and Server certificates they sign for MongoDB X.509 authentication."
        actions={
          <>
            {can.write ? <NewEntryDialog action={createEntryAction} projectId={projectId} cas={cas} /> : null}
            {can.write ? <ImportDialog action={importEntryAction} projectId={projectId} /> : null}
            <Link href={`${base}/inventory`} className="self-center text-sm">
              Inventory
            </Link>
          </>
        }
      />
      <p className="mb-3 flex gap-3 text-sm" aria-label="Trust summary">
        <span>{list.counts.green} trusted</span>
        <span>{list.counts.yellow} not trusted</span>
        <span>{list.counts.red} invalid</span>
      </p>
      <KeystoreFilters values={query} />
      {list.total === 0 ? (
        <EmptyState title={Object.values(query).some(Boolean) ? "No entry matches" : "The Key Store is empty"}>
          {can.write ? 'Create a CA with "New" (Certificate Usage: CA), then Client and Server certificates signed by it — or import existing certificates.' : "An owner of this project creates and imports the certificates."}
        </EmptyState>
      ) : (
        <>
          <Table
            caption="Key Store entries"
            head={
              <tr>
                <th className={th}>Status</th>
                <SortHeader k="alias" label="Alias" {...sort} />
                <SortHeader k="commonName" label="Subject CN" {...sort} />
                <SortHeader k="usage" label="Certificate Usage" {...sort} />
                <th className={th}>Key</th>
                <th className={th}>Issuer</th>
                <SortHeader k="notAfter" label="Valid until" {...sort} />
                <th className={th}>Private key</th>
              </tr>
            }
          >
            {list.items.map((e) => (
              <tr key={e.id}>
                <td className={td}>
                  <Shield shield={e.trust.shield} reason={e.trust.reason} compact />
                </td>
                <td className={td}>
                  <Link href={`${base}/${e.id}`}>{e.alias}</Link>
                </td>
                <td className={td}>{e.commonName}</td>
                <td className={td}>{e.usage}</td>
                <td className={td}>{e.keyLabel}</td>
                <td className={`${td} max-w-xs truncate`} title={e.issuer}>
                  {e.issuer}
                </td>
                <td className={`${td} whitespace-nowrap`}>{e.notAfter.slice(0, 10)}</td>
                <td className={td}>{e.hasPrivateKey ? "Yes" : "No"}</td>
              </tr>
            ))}
          </Table>
          <Pagination page={list.page} pageSize={list.pageSize} total={list.total} basePath={base} query={query} />
        </>
      )}
    </>
  );
}
