"use client";

import { useState } from "react";
import { ActionForm, type SafeAction } from "../forms/action-form";
import { Field, SelectField } from "../forms/form-errors";
import { Dialog } from "../ui/dialog";
import { useToast } from "../ui/toast";

export type ConnectorChoices = { certificates: { alias: string; subject: string; usage: string }[]; cas: { alias: string; subject: string }[] };
export type ConnectorFormValues = {
  id: string;
  version: number;
  name: string;
  connectionString: string;
  databaseName: string;
  authScheme: "x509" | "password" | "none";
  certificateAlias: string | null;
  username: string | null;
  caAlias: string | null;
  enabled: boolean;
  managesUsers: boolean;
};

// The seed's example: an X.509 connection string with the options mongod needs.
const EXAMPLE = "mongodb://db.example.com:27017/?authSource=%24external&authMechanism=MONGODB-X509&tls=true";

function ConnectorFields({ projectId, choices, current }: { projectId: string; choices: ConnectorChoices; current?: ConnectorFormValues }) {
  const [scheme, setScheme] = useState<string>(current?.authScheme ?? "x509");
  return (
    <>
      <input type="hidden" name="projectId" value={projectId} />
      {current ? (
        <>
          <input type="hidden" name="connectorId" value={current.id} />
          <input type="hidden" name="version" value={current.version} />
        </>
      ) : null}
      <Field label="Name" name="name" defaultValue={current?.name} required />
      <Field label="Connection String" name="connectionString" defaultValue={current?.connectionString} placeholder={EXAMPLE} hint="Read as the MongoDB driver reads it. Client certificates need tls=true, authMechanism=MONGODB-X509 and authSource=%24external." required />
      <Field label="Database Name" name="databaseName" defaultValue={current?.databaseName} required />
      <SelectField label="Authentication Scheme" name="authScheme" value={scheme} onChange={(e) => setScheme(e.target.value)}>
        <option value="x509">Client Certificate Authentication</option>
        <option value="password">Password</option>
        <option value="none">None</option>
      </SelectField>
      {scheme === "x509" ? (
        <>
          <SelectField label="Certificate Alias" name="certificateAlias" defaultValue={current?.certificateAlias ?? ""}>
            <option value="">Choose a Key Store entry with a private key…</option>
            {choices.certificates.map((c) => (
              <option key={c.alias} value={c.alias}>
                {c.alias} ({c.usage}) — {c.subject}
              </option>
            ))}
          </SelectField>
          <Field label="Certificate Password" name="certificatePassword" type="password" autoComplete="off" hint={current ? "Leave blank to keep the stored password." : "The entry's password. Stored sealed; never shown again."} />
        </>
      ) : null}
      {scheme === "password" ? (
        <>
          <Field label="Username" name="username" defaultValue={current?.username ?? ""} autoComplete="off" />
          <Field label="Password" name="password" type="password" autoComplete="new-password" hint={current ? "Leave blank to keep the stored password." : "Stored sealed; never shown again."} />
        </>
      ) : null}
      <SelectField label="Trusted CA for the server's certificate" name="caAlias" defaultValue={current?.caAlias ?? ""}>
        <option value="">Public CAs (Node.js roots)</option>
        {choices.cas.map((c) => (
          <option key={c.alias} value={c.alias}>
            {c.alias} — {c.subject}
          </option>
        ))}
      </SelectField>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={current?.enabled ?? true} className="h-4 w-4" /> Enabled (connect now, then check every few minutes)
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="managesUsers" defaultChecked={current?.managesUsers ?? false} className="h-4 w-4" /> Manages database users (apply Database Access to this deployment; its user needs userAdminAnyDatabase)
      </label>
    </>
  );
}

export function NewConnectorDialog({ action, projectId, choices }: { action: SafeAction; projectId: string; choices: ConnectorChoices }) {
  const toast = useToast();
  return (
    <Dialog trigger="New Connector" title="New Connector" triggerVariant="primary">
      {(close) => (
        <ActionForm
          action={action}
          submitLabel="Save"
          pendingLabel="Connecting…"
          onSuccess={(d) => {
            const r = d as { connector: { id: string; name: string; summary: string }; warnings: string[] };
            toast(r.connector.summary.startsWith("Fault") ? "error" : "success", `${r.connector.name}: ${r.connector.summary}${r.warnings.length ? ` Warning: ${r.warnings.join(" ")}` : ""}`);
            close();
          }}
        >
          <ConnectorFields projectId={projectId} choices={choices} />
        </ActionForm>
      )}
    </Dialog>
  );
}

export function EditConnectorDialog({ action, projectId, choices, current }: { action: SafeAction; projectId: string; choices: ConnectorChoices; current: ConnectorFormValues }) {
  return (
    <Dialog trigger="Edit" title={`Edit ${current.name}`}>
      {(close) => (
        <ActionForm action={action} submitLabel="Save" pendingLabel="Saving…" successMessage={`Saved ${current.name}.`} onSuccess={close}>
          <ConnectorFields projectId={projectId} choices={choices} current={current} />
        </ActionForm>
      )}
    </Dialog>
  );
}

/** Enable / Disable / Check now: one click, with the progress on the button. */
export function ConnectorButton({ action, projectId, connectorId, enabled, label, pendingLabel }: { action: SafeAction; projectId: string; connectorId: string; enabled?: boolean; label: string; pendingLabel: string }) {
  const toast = useToast();
  return (
    <ActionForm
      action={action}
      submitLabel={label}
      pendingLabel={pendingLabel}
      ariaLabel={label}
      className="inline"
      onSuccess={(d) => {
        const c = d as { summary: string };
        toast(c.summary.startsWith("Fault") ? "error" : "success", c.summary);
      }}
    >
      <input type="hidden" name="projectId" value={projectId} />
      <input type="hidden" name="connectorId" value={connectorId} />
      {enabled !== undefined ? <input type="hidden" name="enabled" value={String(enabled)} /> : null}
    </ActionForm>
  );
}
