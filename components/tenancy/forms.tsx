"use client";

import { ActionForm, type SafeAction } from "../forms/action-form";
import { CheckboxGroup, Field, SelectField } from "../forms/form-errors";
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

export function AddOrgUserDialog({ action, orgId, roles }: { action: SafeAction; orgId: string; roles: RoleOption[] }) {
  const toast = useToast();
  return (
    <Dialog trigger="Add User" title="Add a user to this organization" triggerVariant="primary">
      {(close) => (
        <ActionForm
          action={action}
          submitLabel="Add"
          arrays={["roles"]}
          resetOnSuccess
          onSuccess={(d) => {
            const r = d as { created: boolean; email: string };
            toast("success", r.created ? `Added ${r.email}. Give them the initial password; they must change it at first sign-in.` : `Added ${r.email} (an existing account; their password is unchanged).`);
            close();
          }}
        >
          <input type="hidden" name="orgId" value={orgId} />
          <Field label="Name" name="name" required />
          <Field label="Email" name="email" type="email" required />
          <Field label="Initial password" name="initialPassword" type="password" autoComplete="new-password" required hint="At least 12 characters. The user must change it at first sign-in." />
          <CheckboxGroup legend="Organization roles" name="roles" options={roles} defaultValues={["ORG_MEMBER"]} />
        </ActionForm>
      )}
    </Dialog>
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
