import Link from "next/link";
import { Shell } from "@/components/shell/shell";
import { CreateOrgForm, JoinOrgForm } from "@/components/tenancy/forms";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageCtx } from "@/lib/next/page";
import { listMyOrgs } from "@/lib/server/orgs";
import { getShellData } from "@/lib/server/shell";
import { acceptOrgInvitationAction, createOrgAction } from "../actions";

export const metadata = { title: "Organizations" };

export default async function OrgsPage() {
  const ctx = await requirePageCtx();
  const [orgs, shell] = await Promise.all([listMyOrgs(ctx), getShellData(ctx, {})]);
  return (
    <Shell {...shell}>
      <PageHeader title="Organizations" description="Organizations group projects and the people who work on them." />
      {orgs.length === 0 ? (
        <EmptyState title="You are not in any organization yet">Ask an Organization Owner to add you and give you an invitation code, or create your own organization below.</EmptyState>
      ) : (
        <ul className="mb-8 divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
          {orgs.map((o) => (
            <li key={o.id} className="px-4 py-3">
              <Link href={`/orgs/${o.id}`}>{o.name}</Link>
            </li>
          ))}
        </ul>
      )}
      <section aria-labelledby="join-org" className="mt-8 max-w-md">
        <h2 id="join-org" className="mb-2 text-lg font-semibold">
          Join an organization
        </h2>
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-300">An Organization Owner who adds your existing account gets an invitation code to give you. Enter it here.</p>
        <JoinOrgForm action={acceptOrgInvitationAction} />
      </section>
      <section aria-labelledby="create-org" className="mt-8 max-w-md">
        <h2 id="create-org" className="mb-2 text-lg font-semibold">
          Create an organization
        </h2>
        <CreateOrgForm action={createOrgAction} />
      </section>
    </Shell>
  );
}
