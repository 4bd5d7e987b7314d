"use client";

import { ShowOnce } from "../forms/show-once";
import { ActionForm, type SafeAction } from "../forms/action-form";
import { CheckboxGroup, Field, SelectField } from "../forms/form-errors";
import { CopyButton } from "../ui/copy-button";
import { Dialog } from "../ui/dialog";

type Option = { value: string; label: string };
const HOURS: Option[] = [
  { value: "8", label: "8 hours" },
  { value: "24", label: "1 day" },
  { value: "168", label: "7 days" },
  { value: "720", label: "30 days" },
  { value: "2160", label: "90 days" },
  { value: "4320", label: "180 days" },
  { value: "8760", label: "365 days" },
];

/** The one time a Client Secret is visible: copy it now. */
export function SecretOnce({ clientId, secret, expiresAt }: { clientId: string; secret: string; expiresAt: string }) {
  return (
    <div className="space-y-3" data-testid="secret-once">
      <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
        Copy the Client Secret now. It will not be shown again: Gatehouse keeps only a hash of it.
      </p>
      <div>
        <p className="text-sm font-medium">Client ID</p>
        <div className="flex items-center gap-2">
          <code className="break-all text-sm" data-testid="client-id">{clientId}</code>
          <CopyButton text={clientId} label="Copy Client ID" />
        </div>
      </div>
      <div>
        <p className="text-sm font-medium">Client Secret</p>
        <div className="flex items-center gap-2">
          <code className="break-all text-sm" data-testid="client-secret">{secret}</code>
          <CopyButton text={secret} label="Copy Client Secret" />
        </div>
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-300">Expires {expiresAt.replace("T", " ").slice(0, 16)} UTC.</p>
      </div>
    </div>
  );
}

type Created = { clientId: string; secrets: { secret: string; expiresAt: string }[] };

export function CreateServiceAccountDialog({ action, orgId, roles, maxHours }: { action: SafeAction; orgId: string; roles: Option[]; maxHours: number }) {
  return (
    <Dialog trigger="Create Service Account" title="Create Service Account" triggerVariant="primary">
      {() => (
        <ShowOnce<Created>
          form={(done) => (
              <ActionForm action={action} submitLabel="Create" arrays={["roles"]} successMessage="Service account created." onSuccess={(d) => done(d as Created)}>
                <input type="hidden" name="orgId" value={orgId} />
                <Field label="Name" name="name" required maxLength={64} />
                <Field label="Description" name="description" required maxLength={250} />
                <CheckboxGroup legend="Organization roles" name="roles" options={roles} />
                <SelectField label="Client Secret expiration" name="secretExpiresAfterHours" defaultValue={String(Math.min(2160, maxHours))}>
                  {HOURS.filter((h) => Number(h.value) <= maxHours).map((h) => (
                    <option key={h.value} value={h.value}>
                      {h.label}
                    </option>
                  ))}
                </SelectField>
              </ActionForm>
          )}
        >
          {(created) => <SecretOnce clientId={created.clientId} secret={created.secrets[0]!.secret} expiresAt={created.secrets[0]!.expiresAt} />}
        </ShowOnce>
      )}
    </Dialog>
  );
}

export function GenerateSecretDialog({ action, orgId, clientId, maxHours, defaultHours }: { action: SafeAction; orgId: string; clientId: string; maxHours: number; defaultHours: number }) {
  return (
    <Dialog trigger="Generate New Secret" title="Generate New Secret">
      {() => (
        <ShowOnce<{ secret: string; expiresAt: string }>
          form={(done) => (
              <ActionForm action={action} submitLabel="Generate" successMessage="New secret generated." onSuccess={(d) => done(d as { secret: string; expiresAt: string })}>
                <input type="hidden" name="orgId" value={orgId} />
                <input type="hidden" name="clientId" value={clientId} />
                <SelectField label="Client Secret expiration" name="secretExpiresAfterHours" defaultValue={String(Math.min(defaultHours, maxHours))}>
                  {HOURS.filter((h) => Number(h.value) <= maxHours).map((h) => (
                    <option key={h.value} value={h.value}>
                      {h.label}
                    </option>
                  ))}
                </SelectField>
                <p className="text-sm">Rotation: generate the new secret, move your clients to it, then revoke the old one. An account holds at most two active secrets.</p>
              </ActionForm>
          )}
        >
          {(created) => <SecretOnce clientId={clientId} secret={created.secret} expiresAt={created.expiresAt} />}
        </ShowOnce>
      )}
    </Dialog>
  );
}

export function RevokeSecretDialog({ action, orgId, clientId, secret }: { action: SafeAction; orgId: string; clientId: string; secret: { id: string; maskedSecretValue: string } }) {
  return (
    <Dialog trigger="Revoke" title={`Revoke ${secret.maskedSecretValue}`} triggerVariant="danger">
      {(close) => (
        <ActionForm action={action} submitLabel="Revoke secret" submitVariant="danger" successMessage="Secret revoked." onSuccess={close}>
          <input type="hidden" name="orgId" value={orgId} />
          <input type="hidden" name="clientId" value={clientId} />
          <input type="hidden" name="secretId" value={secret.id} />
          <p className="text-sm">Clients using this secret can no longer get tokens, and tokens minted with it stop working at once.</p>
        </ActionForm>
      )}
    </Dialog>
  );
}

export function EditServiceAccountDialog({ action, orgId, account, roles }: { action: SafeAction; orgId: string; account: { clientId: string; name: string; description: string; roles: string[]; version: number }; roles: Option[] }) {
  return (
    <Dialog trigger="Edit" title={`Edit ${account.name}`}>
      {(close) => (
        <ActionForm action={action} submitLabel="Save" arrays={["roles"]} successMessage="Saved." onSuccess={close}>
          <input type="hidden" name="orgId" value={orgId} />
          <input type="hidden" name="clientId" value={account.clientId} />
          <input type="hidden" name="version" value={account.version} />
          <Field label="Name" name="name" defaultValue={account.name} required />
          <Field label="Description" name="description" defaultValue={account.description} required />
          <CheckboxGroup legend="Organization roles" name="roles" options={roles} defaultValues={account.roles} />
        </ActionForm>
      )}
    </Dialog>
  );
}

export function AccessListForm({ action, hidden }: { action: SafeAction; hidden: Record<string, string> }) {
  return (
    <ActionForm action={action} submitLabel="Add to access list" successMessage="Access list updated." resetOnSuccess className="flex flex-wrap items-end gap-2" ariaLabel="Add to the API Access List">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <Field label="IP address or CIDR block" name="entry" placeholder="203.0.113.7 or 10.0.0.0/8" required />
      <Field label="Comment" name="comment" />
    </ActionForm>
  );
}

/** Project roles for an account: pick the project (or, on a project's page, the account). */
export function ProjectAccessForm({ action, hidden, projects, roles, choiceName = "projectId", choiceLabel = "Project" }: { action: SafeAction; hidden: Record<string, string>; projects: Option[]; roles: Option[]; choiceName?: string; choiceLabel?: string }) {
  return (
    <ActionForm action={action} submitLabel="Add to project" arrays={["roles"]} successMessage="Project access saved." className="space-y-3" ariaLabel="Add to a project">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <SelectField label={choiceLabel} name={choiceName}>
        {projects.map((p) => (
          <option key={p.value} value={p.value}>
            {p.label}
          </option>
        ))}
      </SelectField>
      <CheckboxGroup legend="Project roles" name="roles" options={roles} />
    </ActionForm>
  );
}

/** A one-button form (remove an access list entry, a project). */
export function InlineAction({ action, label, hidden, success }: { action: SafeAction; label: string; hidden: Record<string, string>; success: string }) {
  return (
    <ActionForm action={action} submitLabel={label} submitVariant="danger" ariaLabel={label} className="inline" successMessage={success}>
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
    </ActionForm>
  );
}

export function SecretPolicyForm({ action, orgId, maxHours, version }: { action: SafeAction; orgId: string; maxHours: number; version: number | null }) {
  return (
    <ActionForm action={action} submitLabel="Save limit" successMessage="Secret lifetime limit saved." className="flex flex-wrap items-end gap-2" ariaLabel="Longest Client Secret lifetime">
      <input type="hidden" name="orgId" value={orgId} />
      {version ? <input type="hidden" name="version" value={version} /> : null}
      <SelectField label="Longest Client Secret lifetime in this organization" name="maxSecretHours" defaultValue={String(maxHours)}>
        {HOURS.map((h) => (
          <option key={h.value} value={h.value}>
            {h.label}
          </option>
        ))}
      </SelectField>
    </ActionForm>
  );
}
