"use client";

import { useState } from "react";
import { ActionForm, type SafeAction } from "../forms/action-form";
import { CheckboxGroup, Field, SelectField } from "../forms/form-errors";
import { Dialog } from "../ui/dialog";
import { useToast } from "../ui/toast";

const BUILT_IN = ["atlasAdmin", "readWriteAnyDatabase", "readAnyDatabase", "dbAdminAnyDatabase", "clusterMonitor", "backup", "enableSharding"];
type Role = { roleName: string; databaseName: string; collectionName?: string };

function RoleFields({ current = [] }: { current?: Role[] }) {
  const specific = current.find((r) => !(r.databaseName === "admin" && BUILT_IN.includes(r.roleName) && !r.collectionName));
  return (
    <>
      <CheckboxGroup legend="Built-in roles" name="builtinRoles" options={BUILT_IN.map((r) => ({ value: r, label: r }))} defaultValues={current.filter((r) => r !== specific).map((r) => r.roleName)} />
      <fieldset className="grid grid-cols-3 gap-2">
        <legend className="text-sm font-medium">Specific privilege (optional)</legend>
        <SelectField label="Role" name="specificRole" defaultValue={specific?.roleName ?? ""}>
          <option value="">None</option>
          <option value="read">read</option>
          <option value="readWrite">readWrite</option>
          <option value="dbAdmin">dbAdmin</option>
        </SelectField>
        <Field label="Database" name="specificDatabase" defaultValue={specific?.databaseName} />
        <Field label="Collection" name="specificCollection" defaultValue={specific?.collectionName} />
      </fieldset>
    </>
  );
}

/** "Add New Database User": Password (SCRAM) or Certificate (X.509, the user name is the certificate's subject). */
export function AddDatabaseUserDialog({ action, projectId, certificates, x509Enabled, prefill }: { action: SafeAction; projectId: string; certificates: { alias: string; userName: string }[]; x509Enabled: boolean; prefill?: string }) {
  const [method, setMethod] = useState(prefill ? "X509" : "SCRAM");
  const [username, setUsername] = useState(prefill ?? "");
  const toast = useToast();
  return (
    <Dialog trigger="Add New Database User" title="Add New Database User" triggerVariant="primary">
      {(close) => (
        <ActionForm
          action={action}
          submitLabel="Add User"
          arrays={["builtinRoles"]}
          onSuccess={(d) => {
            const r = d as { user: { username: string }; warnings: string[] };
            toast("success", `Added ${r.user.username}.${r.warnings.length ? " Warning: " + r.warnings.join(" ") : ""}`);
            close();
          }}
        >
          <input type="hidden" name="projectId" value={projectId} />
          <SelectField label="Authentication Method" name="authMethod" value={method} onChange={(e) => setMethod(e.target.value)}>
            <option value="SCRAM">Password</option>
            <option value="X509">Certificate</option>
          </SelectField>
          {method === "X509" ? (
            <>
              {!x509Enabled ? <p className="text-sm text-amber-900 dark:text-amber-200">Self-managed X.509 is off: turn it on in Security › Advanced first.</p> : null}
              <SelectField label="Client certificate from the Key Store" name="pick" value="" onChange={(e) => setUsername(e.target.value)}>
                <option value="">Pick one to fill in its exact MongoDB user name…</option>
                {certificates.map((c) => (
                  <option key={c.alias} value={c.userName}>
                    {c.alias} — {c.userName}
                  </option>
                ))}
              </SelectField>
              <Field label="User name (RFC 2253 subject)" name="username" value={username} onChange={(e) => setUsername(e.target.value)} hint="Database: $external. Exactly what `openssl x509 -noout -subject -nameopt RFC2253` prints." />
            </>
          ) : (
            <>
              <Field label="User name" name="username" value={username} onChange={(e) => setUsername(e.target.value)} hint="Database: admin." />
              <Field label="Password" name="password" type="password" autoComplete="new-password" hint="At least 8 characters." />
            </>
          )}
          <RoleFields />
          <Field label="Description" name="description" />
          <SelectField label="Temporary user" name="temporary" defaultValue="">
            <option value="">No: keep until deleted</option>
            <option value="6h">Delete after 6 hours</option>
            <option value="1d">Delete after 1 day</option>
            <option value="1w">Delete after 1 week</option>
          </SelectField>
        </ActionForm>
      )}
    </Dialog>
  );
}

export function EditDatabaseUserDialog({ action, projectId, user }: { action: SafeAction; projectId: string; user: { id: string; username: string; version: number; authMethod: string; roles: Role[]; description: string | null } }) {
  return (
    <Dialog trigger="Edit" title={`Edit ${user.username}`}>
      {(close) => (
        <ActionForm action={action} submitLabel="Update User" arrays={["builtinRoles"]} successMessage={`Updated ${user.username}.`} onSuccess={close}>
          <input type="hidden" name="projectId" value={projectId} />
          <input type="hidden" name="userId" value={user.id} />
          <input type="hidden" name="version" value={user.version} />
          <RoleFields current={user.roles} />
          {user.authMethod === "SCRAM" ? <Field label="New password (optional)" name="password" type="password" autoComplete="new-password" /> : null}
          <Field label="Description" name="description" defaultValue={user.description ?? ""} />
        </ActionForm>
      )}
    </Dialog>
  );
}

export function DeleteDatabaseUserDialog({ action, projectId, user }: { action: SafeAction; projectId: string; user: { id: string; username: string; version: number } }) {
  const toast = useToast();
  return (
    <Dialog trigger="Delete" title={`Delete ${user.username}`} triggerVariant="ghost">
      {(close) => (
        <ActionForm
          action={action}
          submitLabel="Delete"
          submitVariant="danger"
          onSuccess={(d) => {
            const r = d as { removed: boolean; user: { syncError: string | null } | null } | undefined;
            if (r && !r.removed) toast("error", `${user.username} is not removed from the deployment yet: ${r.user?.syncError ?? "pending"}`);
            else toast("success", `Deleted ${user.username}.`);
            close();
          }}
        >
          <input type="hidden" name="projectId" value={projectId} />
          <input type="hidden" name="userId" value={user.id} />
          <input type="hidden" name="version" value={user.version} />
          <p className="text-sm">Applications using this database user can no longer sign in once it is removed from the deployment.</p>
        </ActionForm>
      )}
    </Dialog>
  );
}

/** The pencil: upload CA files and/or pick CA entries of the Key Store; enable or disable. */
export function X509Dialog({ action, projectId, version, enabled, keystoreCas }: { action: SafeAction; projectId: string; version: number | null; enabled: boolean; keystoreCas: { id: string; alias: string; subject: string }[] }) {
  return (
    <Dialog trigger="Edit" title="Self-managed X.509 Authentication">
      {(close) => (
        <ActionForm action={action} submitLabel="Save" arrays={["caFiles", "keystoreEntryIds"]} successMessage="X.509 settings saved." onSuccess={close}>
          <input type="hidden" name="projectId" value={projectId} />
          {version ? <input type="hidden" name="version" value={version} /> : null}
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="enabled" defaultChecked={enabled || version === null} className="h-4 w-4" /> Enable Self-managed X.509 Authentication
          </label>
          <Field label="Certificate Authority (PEM)" name="caFiles" type="file" accept=".pem,.crt" multiple hint="One or more CA certificates. Client and server certificates are refused." />
          <CheckboxGroup legend="…or CAs from the Key Store" name="keystoreEntryIds" options={keystoreCas.map((c) => ({ value: c.id, label: `${c.alias} (${c.subject})` }))} />
          <p className="text-xs text-slate-600 dark:text-slate-300">Saving replaces the list of CAs. Unticking “Enable” turns X.509 off: Certificate database users stop authenticating.</p>
        </ActionForm>
      )}
    </Dialog>
  );
}

/** "Retry": re-applies a user whose change did not reach the deployment. */
export function RetrySyncButton({ action, projectId, userId }: { action: SafeAction; projectId: string; userId: string }) {
  return (
    <ActionForm action={action} submitLabel="Retry" pendingLabel="Retrying…" ariaLabel="Retry" className="inline" successMessage="Applied again; see the sync status.">
      <input type="hidden" name="projectId" value={projectId} />
      <input type="hidden" name="userId" value={userId} />
    </ActionForm>
  );
}
