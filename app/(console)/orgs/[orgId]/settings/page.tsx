import { ConfirmDelete } from "@/components/forms/confirm-delete";
import { RenameForm } from "@/components/tenancy/forms";
import { PageHeader } from "@/components/ui/page-header";
import { load, requirePageCtx } from "@/lib/next/page";
import { orgAbilities } from "@/lib/server/abilities";
import { getOrgForSettings } from "@/lib/server/orgs";
import { deleteOrgAction, renameOrgAction } from "../../../actions";

export const metadata = { title: "Organization settings" };

export default async function OrgSettingsPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const ctx = await requirePageCtx();
  const org = await load(() => getOrgForSettings(ctx, orgId));
  const can = orgAbilities(ctx, orgId);
  return (
    <>
      <PageHeader title="Organization settings" crumbs={[{ label: org.name, href: `/orgs/${orgId}` }, { label: "Settings" }]} />
      <section className="max-w-md space-y-8">
        <RenameForm action={renameOrgAction} idField="orgId" id={org.id} version={org.version} current={org.name} label="Organization name" />
        {can.delete ? (
          <div className="rounded-lg border border-red-300 p-4 dark:border-red-900">
            <h2 className="font-semibold">Delete this organization</h2>
            <p className="mb-3 mt-1 text-sm text-slate-600 dark:text-slate-300">An organization can be deleted once it has no projects. Its audit trail is kept.</p>
            <ConfirmDelete what="organization" name={org.name} action={deleteOrgAction} hidden={{ orgId: org.id, version: org.version }} redirectTo="/orgs" />
          </div>
        ) : null}
      </section>
    </>
  );
}
