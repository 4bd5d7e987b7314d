import { ExpiryChart } from "@/components/keystore/expiry-chart";
import { Shield } from "@/components/keystore/shield";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, td, th } from "@/components/ui/table";
import { load, requirePageCtx } from "@/lib/next/page";
import { keystoreInventory } from "@/lib/server/keystore/inventory";
import { getProject } from "@/lib/server/projects";

export const metadata = { title: "Certificate inventory" };

// Soonest expiries first; a page of 10,000 rows helps nobody and weighs megabytes.
const INVENTORY_ROWS = 200;

export default async function InventoryPage({ params, searchParams }: { params: Promise<{ projectId: string }>; searchParams: Promise<{ expiring?: string }> }) {
  const [{ projectId }, sp] = await Promise.all([params, searchParams]);
  const ctx = await requirePageCtx();
  const days = Number(sp.expiring) > 0 ? Math.min(3650, Math.floor(Number(sp.expiring))) : undefined;
  const [{ project, org }, inv] = await load(() => Promise.all([getProject(ctx, projectId), keystoreInventory(ctx, projectId, { expiringWithinDays: days })]));
  const base = `/projects/${projectId}/keystore/inventory`;
  const qs = days ? `&expiring=${days}` : "";
  return (
    <>
      <PageHeader
        title="Certificate inventory"
        crumbs={[{ label: org.name, href: `/orgs/${org.id}` }, { label: project.name, href: `/projects/${project.id}` }, { label: "Key Store", href: `/projects/${project.id}/keystore` }, { label: "Inventory" }]}
        description="Every certificate of this project, soonest expiry first — for audits. No key material is shown or exported here."
      />
      <section aria-labelledby="timeline" className="mb-6">
        <h2 id="timeline" className="mb-2 font-semibold">Expiring in the next 12 months</h2>
        <ExpiryChart months={inv.months} />
        <p className="mt-2 text-sm">{inv.expired} already expired · {inv.total} certificates in all</p>
      </section>
      <form role="search" aria-label="Filter the inventory" className="mb-4 flex items-end gap-3">
        <div>
          <label htmlFor="inv-expiring" className="text-sm font-medium">Expiring within (days)</label>
          <input id="inv-expiring" name="expiring" type="number" min={1} max={3650} defaultValue={days} className="mt-1 block w-40 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900" />
        </div>
        <button type="submit" className="rounded-md bg-brand-700 px-3 py-2 text-sm font-medium text-white">Filter</button>
        <a href={`${base}/export?format=csv${qs}`} className="py-2 text-sm">Export CSV</a>
        <a href={`${base}/export?format=json${qs}`} className="py-2 text-sm">Export JSON</a>
      </form>
      {inv.items.length === 0 ? (
        <EmptyState title={days ? `Nothing expires within ${days} days` : "No certificates yet"}>The inventory lists the Key Store&apos;s certificates with their expiry and trust status.</EmptyState>
      ) : (
        <Table caption="Certificate inventory" head={<tr><th className={th}>Valid until</th><th className={th}>Alias</th><th className={th}>Usage</th><th className={th}>Subject</th><th className={th}>Issuer</th><th className={th}>Status</th></tr>}>
          {inv.items.slice(0, INVENTORY_ROWS).map((r) => (
            <tr key={r.fingerprintSha256 + r.alias}>
              <td className={`${td} whitespace-nowrap`}>{r.notAfter.slice(0, 10)}</td>
              <td className={td}>{r.alias}</td>
              <td className={td}>{r.usage}</td>
              <td className={`${td} break-all`}>{r.subject}</td>
              <td className={`${td} break-all`}>{r.issuer}</td>
              <td className={td}>
                <Shield shield={r.status as "green"} reason={r.statusReason} compact />
              </td>
            </tr>
          ))}
        </Table>
      )}
      {inv.items.length > INVENTORY_ROWS ? (
        <p className="mt-3 text-sm">
          Showing the {INVENTORY_ROWS} soonest of {inv.items.length}. The CSV and JSON exports hold all of them.
        </p>
      ) : null}
    </>
  );
}
