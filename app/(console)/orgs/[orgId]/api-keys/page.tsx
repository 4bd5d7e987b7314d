import Link from "next/link";
import { CreateApiKeyDialog } from "@/components/api-keys/forms";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, td, th } from "@/components/ui/table";
import { ORG_ROLES, ROLE_NAMES, roleName } from "@/lib/authz";
import { load, requirePageCtx } from "@/lib/next/page";
import { orgAbilities } from "@/lib/server/abilities";
import { listApiKeys } from "@/lib/server/api-keys/manage";
import { getOrg } from "@/lib/server/orgs";
import { createApiKeyAction } from "./actions";

export const metadata = { title: "API Keys" };
const roleOptions = ORG_ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }));

export default async function ApiKeysPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const ctx = await requirePageCtx();
  const [org, keys] = await load(() => Promise.all([getOrg(ctx, orgId), listApiKeys(ctx, orgId)]));
  const can = orgAbilities(ctx, orgId).manageServiceAccounts;
  return (
    <>
      <PageHeader
        title="API Keys"
        crumbs={[{ label: org.name, href: `/orgs/${orgId}` }, { label: "Access Manager" }, { label: "API Keys" }]}
        description="Programmatic API keys for the Admin API over HTTP Digest: the public key is the user name, the private key (shown once) the password."
        actions={can ? <CreateApiKeyDialog action={createApiKeyAction} hidden={{ orgId }} roles={roleOptions} /> : null}
      />
      {keys.length === 0 ? (
        <EmptyState title="No API keys yet">Service accounts (OAuth 2.0) are the newer way; API keys serve clients that speak HTTP Digest.</EmptyState>
      ) : (
        <Table caption="API keys" head={<tr><th className={th}>Public Key</th><th className={th}>Description</th><th className={th}>Private Key</th><th className={th}>Roles</th><th className={th}>Last used</th></tr>}>
          {keys.map((k) => (
            <tr key={k.id}>
              <td className={`${td} font-mono`}>
                <Link href={`/orgs/${orgId}/api-keys/${k.id}`}>{k.publicKey}</Link>
              </td>
              <td className={td}>{k.desc}</td>
              <td className={`${td} font-mono text-xs`}>{k.privateKey}</td>
              <td className={td}>{k.roles.map((r) => roleName(r.roleName)).join(", ")}</td>
              <td className={td}>{k.lastUsedAt ? k.lastUsedAt.replace("T", " ").slice(0, 16) : "never"}</td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
