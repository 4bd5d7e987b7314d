"use client";

import { useState } from "react";
import { ActionForm, type SafeAction } from "../forms/action-form";
import { CheckboxGroup, Field, SelectField } from "../forms/form-errors";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { Dialog } from "../ui/dialog";
import { useToast } from "../ui/toast";

type RoleOption = { value: string; label: string };

export function CreateOrgForm({ action }: { action: SafeAction }) {
  return (
    <ActionForm action={action} submitLabel="Create organization" ariaLabel="Create an organization">
      <Field label="Organization name" name="name" required />
    </ActionForm>
  );
}

export function CreateProjectDialog({ action, orgId }: { action: SafeAction; orgId: string }) {
  return (
    <Dialog trigger="New Project" title="Create a project" triggerVariant="primary">
      {() => (
        <ActionForm action={action} submitLabel="Create project">
          <input type="hidden" name="orgId" value={orgId} />
          <Field label="Project name" name="name" required />
        </ActionForm>
      )}
    </Dialog>
  );
}

export function RenameForm({ action, idField, id, version, current, label }: { action: SafeAction; idField: string; id: string; version: number; current: string; label: string }) {
  return (
    <ActionForm action={action} submitLabel="Save name" successMessage="Name saved." ariaLabel={`Rename ${label.replace(/ name$/, "").toLowerCase()}`}>
      <input type="hidden" name={idField} value={id} />
      <input type="hidden" name="version" value={version} />
      <Field label={label} name="name" defaultValue={current} required />
    </ActionForm>
  );
}

type Invited = { email: string; code: string; expiresAt: string };

export function AddOrgUserDialog({ action, orgId, roles }: { action: SafeAction; orgId: string; roles: RoleOption[] }) {
  return (
    <Dialog trigger="Add User" title="Add a user to this organization" triggerVariant="primary">
      {(close) => <AddOrgUserBody action={action} orgId={orgId} roles={roles} close={close} />}
    </Dialog>
  );
}

// Mounted with the dialog, so a reopened dialog starts with the form, not the last code.
function AddOrgUserBody({ action, orgId, roles, close }: { action: SafeAction; orgId: string; roles: RoleOption[]; close: () => void }) {
  const toast = useToast();
  const [invited, setInvited] = useState<Invited | null>(null);
  if (invited) {
    const until = new Date(invited.expiresAt).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" });
    return (
      <div className="space-y-3" data-testid="invitation-once">
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          {invited.email} already has a Gatehouse account, so it was not added: whoever holds it must agree. Give them this invitation code yourself. It is not shown again.
        </p>
        <div>
          <p className="text-sm font-medium">Invitation code</p>
          <div className="flex items-center gap-2">
            <code className="text-base tracking-wider" data-testid="invitation-code">
              {invited.code}
            </code>
            <CopyButton text={invited.code} label="Copy invitation code" />
          </div>
        </div>
        <p className="text-sm">
          They sign in with their own password and enter it under Organizations › Join an organization. It works once, for that account, until {until}.
        </p>
        <p className="text-xs text-slate-600 dark:text-slate-300">
          If they cannot sign in to that account, it is not theirs: give the code to nobody else, and revoke it under Pending invitations.
        </p>
        <Button onClick={close}>Done</Button>
      </div>
    );
  }
  return (
    <ActionForm
      action={action}
      submitLabel="Add"
      arrays={["roles"]}
      resetOnSuccess
      onSuccess={(d) => {
        const r = d as { created: true; email: string } | ({ created: false } & Invited);
        if (r.created) {
          toast("success", `Added ${r.email}. Give them the initial password; they must change it at first sign-in.`);
          close();
        } else setInvited(r);
      }}
    >
      <input type="hidden" name="orgId" value={orgId} />
      <Field label="Name" name="name" required />
      <Field label="Email" name="email" type="email" required />
      <Field label="Initial password" name="initialPassword" type="password" autoComplete="new-password" required hint="At least 12 characters, for a new account; it must be changed at first sign-in. An existing account keeps its own password and gets an invitation code instead." />
      <CheckboxGroup legend="Organization roles" name="roles" options={roles} defaultValues={["ORG_MEMBER"]} />
    </ActionForm>
  );
}

export function RevokeInvitationForm({ action, orgId, invitationId, email }: { action: SafeAction; orgId: string; invitationId: string; email: string }) {
  return (
    <ActionForm action={action} submitLabel="Revoke" submitVariant="danger" className="inline" successMessage={`Invitation for ${email} revoked.`} ariaLabel={`Revoke the invitation for ${email}`}>
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="invitationId" value={invitationId} />
    </ActionForm>
  );
}

export function JoinOrgForm({ action }: { action: SafeAction }) {
  return (
    <ActionForm action={action} submitLabel="Join" ariaLabel="Join an organization">
      <Field label="Invitation code" name="code" required autoComplete="off" hint="The code an Organization Owner gave you, such as ABCDE-FGHJK-MNPQR." />
    </ActionForm>
  );
}

export function EditRolesDialog({ action, hidden, roles, current, who, legend }: { action: SafeAction; hidden: Record<string, string | number>; roles: RoleOption[]; current: string[]; who: string; legend: string }) {
  return (
    <Dialog trigger="Edit" title={`Edit roles of ${who}`}>
      {(close) => (
        <ActionForm action={action} submitLabel="Save roles" arrays={["roles"]} successMessage={`Roles of ${who} saved.`} onSuccess={close}>
          {Object.entries(hidden).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          <CheckboxGroup legend={legend} name="roles" options={roles} defaultValues={current} />
        </ActionForm>
      )}
    </Dialog>
  );
}

export function RemoveDialog({ action, hidden, who, where }: { action: SafeAction; hidden: Record<string, string | number>; who: string; where: string }) {
  return (
    <Dialog trigger="Remove" title={`Remove ${who}`} triggerVariant="ghost">
      {(close) => (
        <ActionForm action={action} submitLabel="Remove" submitVariant="danger" successMessage={`Removed ${who} from ${where}.`} onSuccess={close}>
          {Object.entries(hidden).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          <p className="text-sm">
            {who} loses access to {where}. You can add them again later.
          </p>
        </ActionForm>
      )}
    </Dialog>
  );
}

export function GrantProjectAccessDialog({ action, projectId, candidates, roles }: { action: SafeAction; projectId: string; candidates: { id: string; label: string }[]; roles: RoleOption[] }) {
  return (
    <Dialog trigger="Add User" title="Give an organization member access to this project" triggerVariant="primary">
      {(close) => (
        <ActionForm action={action} submitLabel="Give access" arrays={["roles"]} successMessage="Access given." onSuccess={close}>
          <input type="hidden" name="projectId" value={projectId} />
          <SelectField label="User" name="userId" required>
            {candidates.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </SelectField>
          <CheckboxGroup legend="Project roles" name="roles" options={roles} defaultValues={["GROUP_READ_ONLY"]} />
        </ActionForm>
      )}
    </Dialog>
  );
}
