import Link from "next/link";
import { CreateServiceAccountDialog, SecretPolicyForm } from "@/components/service-accounts/forms";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, td, th } from "@/components/ui/table";
import { ORG_ROLES, ROLE_NAMES } from "@/lib/authz";
import { load, requirePageCtx } from "@/lib/next/page";
import { orgAbilities } from "@/lib/server/abilities";
import { getOrg } from "@/lib/server/orgs";
import { getSecretPolicy, listServiceAccounts } from "@/lib/server/service-accounts/manage";
import { createServiceAccountAction, setSecretPolicyAction } from "./actions";

export const metadata = { title: "Service Accounts" };

const roleOptions = ORG_ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }));
const day = (iso: string) => iso.slice(0, 10);

export default async function ServiceAccountsPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const ctx = await requirePageCtx();
  const [org, accounts] = await load(() => Promise.all([getOrg(ctx, orgId), listServiceAccounts(ctx, orgId)]));
  const can = orgAbilities(ctx, orgId);
  const policy = await getSecretPolicy(ctx, orgId);
  const maxHours = policy.maxSecretHours;
  const expiring = accounts.filter((a) => a.secrets.some((s) => s.expiringSoon));
  return (
    <>
      <PageHeader
        title="Service Accounts"
        crumbs={[{ label: org.name, href: `/orgs/${orgId}` }, { label: "Access Manager" }, { label: "Service Accounts" }]}
        description="OAuth 2.0 clients for the Admin API (client credentials): Gatehouse is their identity provider and authorization server. POST the Client ID and Secret to /api/oauth/token for a one-hour bearer token."
        actions={can.manageServiceAccounts ? <CreateServiceAccountDialog action={createServiceAccountAction} orgId={orgId} roles={roleOptions} maxHours={maxHours} /> : null}
      />
      {expiring.length ? (
        <p role="status" data-testid="expiring-banner" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          {expiring.length === 1 ? `A secret of "${expiring[0]!.name}" expires` : `Secrets of ${expiring.length} service accounts expire`} within 7 days. Generate a new secret and move your clients to it before then.
        </p>
      ) : null}
      {accounts.length === 0 ? (
        <EmptyState title="No service accounts yet">Create one for each application or pipeline that calls the Admin API, with only the roles it needs.</EmptyState>
      ) : (
        <Table caption="Service accounts" head={<tr><th className={th}>Name</th><th className={th}>Client ID</th><th className={th}>Organization roles</th><th className={th}>Secrets</th><th className={th}>Created</th></tr>}>
          {accounts.map((a) => (
            <tr key={a.clientId}>
              <td className={td}>
                <Link href={`/orgs/${orgId}/service-accounts/${a.clientId}`}>{a.name}</Link>
                <span className="block text-xs text-slate-600 dark:text-slate-300">{a.description}</span>
              </td>
              <td className={`${td} font-mono text-xs`}>{a.clientId}</td>
              <td className={td}>{a.roles.map((r) => ROLE_NAMES[r as keyof typeof ROLE_NAMES] ?? r).join(", ")}</td>
              <td className={td}>
                {a.secrets.map((s) => (
                  <span key={s.id} className="block text-xs">
                    <code>{s.maskedSecretValue}</code> · {s.expired ? "expired" : `expires ${day(s.expiresAt)}`}
                    {s.expiringSoon ? <strong className="ml-1 text-amber-800 dark:text-amber-300">(within 7 days)</strong> : null}
                  </span>
                ))}
              </td>
              <td className={td}>{day(a.createdAt)}</td>
            </tr>
          ))}
        </Table>
      )}
      {can.manageServiceAccounts ? (
        <section aria-labelledby="policy" className="mt-8 max-w-2xl">
          <h2 id="policy" className="mb-2 font-semibold">Secret policy</h2>
          <p className="mb-2 text-sm text-slate-600 dark:text-slate-300">New Client Secrets may not live longer than this (existing ones keep their expiry).</p>
          <SecretPolicyForm action={setSecretPolicyAction} orgId={orgId} maxHours={maxHours} version={policy.version} />
        </section>
      ) : null}
    </>
  );
}
