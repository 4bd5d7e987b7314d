"use client";

import { ShowOnce } from "../forms/show-once";
import { ActionForm, type SafeAction } from "../forms/action-form";
import { CheckboxGroup, Field } from "../forms/form-errors";
import { CopyButton } from "../ui/copy-button";
import { Dialog } from "../ui/dialog";

type Option = { value: string; label: string };
type Created = { publicKey: string; privateKey: string };

/** `hidden` carries the scope: {orgId} for an organization key, {projectId} for a project key. */
export function CreateApiKeyDialog({ action, hidden, roles, rolesLegend = "Organization roles" }: { action: SafeAction; hidden: Record<string, string>; roles: Option[]; rolesLegend?: string }) {
  return (
    <Dialog trigger="Create API Key" title="Create API Key" triggerVariant="primary">
      {() => (
        <ShowOnce<Created>
          form={(done) => (
            <ActionForm action={action} submitLabel="Create" arrays={["roles"]} successMessage="API key created." onSuccess={(d) => done(d as Created)}>
              {Object.entries(hidden).map(([k, v]) => (
                <input key={k} type="hidden" name={k} value={v} />
              ))}
              <Field label="Description" name="desc" required maxLength={250} />
              <CheckboxGroup legend={rolesLegend} name="roles" options={roles} />
            </ActionForm>
          )}
        >
          {(created) => (
          <div className="space-y-3" data-testid="key-once">
            <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
              Copy the private key now. It will not be shown again.
            </p>
            {(
              [
                ["Public Key", created.publicKey, "public-key"],
                ["Private Key", created.privateKey, "private-key"],
              ] as const
            ).map(([label, value, id]) => (
              <div key={id}>
                <p className="text-sm font-medium">{label}</p>
                <div className="flex items-center gap-2">
                  <code className="break-all text-sm" data-testid={id}>{value}</code>
                  <CopyButton text={value} label={`Copy ${label}`} />
                </div>
              </div>
            ))}
            <p className="text-xs text-slate-600 dark:text-slate-300">
              Use them with HTTP Digest: <code>curl --digest -u PUBLIC:PRIVATE …/api/atlas/v2/orgs</code>
            </p>
          </div>
          )}
        </ShowOnce>
      )}
    </Dialog>
  );
}

export function EditApiKeyDialog({ action, orgId, apiKey, roles }: { action: SafeAction; orgId: string; apiKey: { id: string; desc: string; orgRoles: string[]; version: number }; roles: Option[] }) {
  return (
    <Dialog trigger="Edit" title="Edit API key">
      {(close) => (
        <ActionForm action={action} submitLabel="Save" arrays={["roles"]} successMessage="Saved." onSuccess={close}>
          <input type="hidden" name="orgId" value={orgId} />
          <input type="hidden" name="apiKeyId" value={apiKey.id} />
          <input type="hidden" name="version" value={apiKey.version} />
          <Field label="Description" name="desc" defaultValue={apiKey.desc} required />
          <CheckboxGroup legend="Organization roles" name="roles" options={roles} defaultValues={apiKey.orgRoles} />
        </ActionForm>
      )}
    </Dialog>
  );
}
