import { AddOrgUserDialog, EditRolesDialog, RemoveDialog, RevokeInvitationForm } from "@/components/tenancy/forms";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, td, th } from "@/components/ui/table";
import { ORG_ROLES, ROLE_NAMES } from "@/lib/authz";
import { load, requirePageCtx } from "@/lib/next/page";
import { orgAbilities } from "@/lib/server/abilities";
import { listOrgInvitations, listOrgMembers } from "@/lib/server/members";
import { getOrg } from "@/lib/server/orgs";
import { addOrgUserAction, removeOrgUserAction, revokeOrgInvitationAction, setOrgRolesAction } from "../../../actions";

export const metadata = { title: "Users" };

const roleOptions = ORG_ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }));

export default async function OrgAccessPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const ctx = await requirePageCtx();
  const [org, members, invitations] = await load(() => Promise.all([getOrg(ctx, orgId), listOrgMembers(ctx, orgId), listOrgInvitations(ctx, orgId)]));
  const can = orgAbilities(ctx, orgId);
  return (
    <>
      <PageHeader
        title="Users"
        crumbs={[{ label: org.name, href: `/orgs/${orgId}` }, { label: "Access Manager" }, { label: "Users" }]}
        description="People who can sign in to this organization, and their organization roles. Project roles are set on each project's Project Access page."
        actions={can.manageMembers ? <AddOrgUserDialog action={addOrgUserAction} orgId={orgId} roles={roleOptions} /> : null}
      />
      {members.length === 0 ? (
        <EmptyState title="No users">Add the people who manage this organization&apos;s deployments.</EmptyState>
      ) : (
        <Table caption="Organization users" head={<tr><th className={th}>Name</th><th className={th}>Email</th><th className={th}>Organization roles</th>{can.manageMembers ? <th className={th}><span className="sr-only">Actions</span></th> : null}</tr>}>
          {members.map((m) => (
            <tr key={m.userId}>
              <td className={td}>{m.name}</td>
              <td className={td}>{m.email}</td>
              <td className={td}>{m.roleNames.join(", ")}</td>
              {can.manageMembers ? (
                <td className={`${td} flex gap-2`}>
                  <EditRolesDialog action={setOrgRolesAction} hidden={{ orgId, userId: m.userId, version: m.version }} roles={roleOptions} current={m.roles} who={m.name} legend="Organization roles" />
                  <RemoveDialog action={removeOrgUserAction} hidden={{ orgId, userId: m.userId }} who={m.name} where={`organization ${org.name} and its projects`} />
                </td>
              ) : null}
            </tr>
          ))}
        </Table>
      )}
      {invitations.length ? (
        <section aria-labelledby="pending-invitations" className="mt-8">
          <h2 id="pending-invitations" className="mb-2 text-lg font-semibold">
            Pending invitations
          </h2>
          <p className="mb-3 text-sm text-slate-600 dark:text-slate-300">Existing accounts asked to join. Each joins when its holder signs in and enters the code they were given.</p>
          <Table caption="Pending invitations" head={<tr><th className={th}>Email</th><th className={th}>Organization roles</th><th className={th}>Expires</th>{can.manageMembers ? <th className={th}><span className="sr-only">Actions</span></th> : null}</tr>}>
            {invitations.map((i) => (
              <tr key={i.id}>
                <td className={td}>{i.email}</td>
                <td className={td}>{i.roleNames.join(", ")}</td>
                <td className={td}>
                  <time dateTime={i.expiresAt}>{i.expiresAt.slice(0, 16).replace("T", " ")} UTC</time>
                </td>
                {can.manageMembers ? (
                  <td className={td}>
                    <RevokeInvitationForm action={revokeOrgInvitationAction} orgId={orgId} invitationId={i.id} email={i.email} />
                  </td>
                ) : null}
              </tr>
            ))}
          </Table>
        </section>
      ) : null}
    </>
  );
}
