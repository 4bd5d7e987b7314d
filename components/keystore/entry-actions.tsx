"use client";

import { useState } from "react";
import { ActionForm, type SafeAction } from "../forms/action-form";
import { ConfirmDelete } from "../forms/confirm-delete";
import { Field, SelectField } from "../forms/form-errors";
import { Dialog } from "../ui/dialog";
import { downloadFile } from "../ui/download";

type Ids = { projectId: string; entryId: string };
const Hidden = ({ v }: { v: Record<string, string | number> }) => (
  <>
    {Object.entries(v).map(([k, x]) => (
      <input key={k} type="hidden" name={k} value={x} />
    ))}
  </>
);
const save = (d: unknown) => downloadFile(d as { filename: string; contentType: string; base64: string });

export function ExportCertificateDialog({ action, ids }: { action: SafeAction; ids: Ids }) {
  return (
    <Dialog trigger="Export" title="Export the certificate">
      {(close) => (
        <ActionForm action={action} submitLabel="OK" onSuccess={(d) => (save(d), close())}>
          <Hidden v={ids} />
          <SelectField label="Format" name="format" defaultValue="pem">
            <option value="pem">PEM (.pem)</option>
            <option value="der">DER (.der)</option>
          </SelectField>
          <p className="text-sm text-slate-600 dark:text-slate-300">The certificate only: no private key. This is what you upload as a CA in Security › Advanced.</p>
        </ActionForm>
      )}
    </Dialog>
  );
}

export function ExportWithKeyDialog({ action, ids, alias, trigger = "Export with private key" }: { action: SafeAction; ids: Ids; alias: string; trigger?: string }) {
  const [format, setFormat] = useState("pem");
  const [unencrypted, setUnencrypted] = useState(false);
  return (
    <Dialog trigger={trigger} title={`Export "${alias}" with its private key`}>
      {(close) => (
        <ActionForm action={action} submitLabel="Export" successMessage="Exported. The export is recorded in the audit trail." onSuccess={(d) => (save(d), close())}>
          <Hidden v={ids} />
          <Field label="Entry password" name="password" type="password" autoComplete="off" required />
          <SelectField label="Format" name="format" value={format} onChange={(e) => setFormat(e.target.value)}>
            <option value="pem">PEM for MongoDB drivers (key + certificate in one .pem)</option>
            <option value="p12">PKCS#12 (.p12)</option>
          </SelectField>
          {format === "pem" ? (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="unencrypted" checked={unencrypted} onChange={(e) => setUnencrypted(e.target.checked)} className="h-4 w-4" />
              Write the private key unencrypted (anyone who gets the file can use the key)
            </label>
          ) : null}
          {!(format === "pem" && unencrypted) ? (
            <>
              <Field label="Export password" name="exportPassword" type="password" autoComplete="new-password" hint={format === "p12" ? "Java's keytool reads PKCS#12 only with an ASCII password." : "What tlsCertificateKeyFilePassword will be."} />
              <Field label="Confirm export password" name="confirmExportPassword" type="password" autoComplete="new-password" />
            </>
          ) : null}
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="includeChain" defaultChecked className="h-4 w-4" /> Include the CA chain
          </label>
        </ActionForm>
      )}
    </Dialog>
  );
}

export function CertRequestDialog({ action, ids }: { action: SafeAction; ids: Ids }) {
  return (
    <Dialog trigger="Cert Request" title="Certificate signing request">
      {(close) => (
        <ActionForm action={action} submitLabel="OK" successMessage="Request saved. Sign it in the Certificate Signer." onSuccess={(d) => (save(d), close())}>
          <Hidden v={ids} />
          <Field label="Entry password" name="password" type="password" autoComplete="off" required hint="The request is signed with the entry's private key." />
        </ActionForm>
      )}
    </Dialog>
  );
}

export function ManageEntry({ ids, alias, version, issuedCount, rename, changePassword, remove, hasKey }: { ids: Ids; alias: string; version: number; issuedCount: number; rename: SafeAction; changePassword: SafeAction; remove: SafeAction; hasKey: boolean }) {
  return (
    <div className="flex flex-wrap gap-2">
      <Dialog trigger="Rename" title={`Rename "${alias}"`}>
        {(close) => (
          <ActionForm action={rename} submitLabel="Save" successMessage="Alias saved." onSuccess={close}>
            <Hidden v={{ ...ids, version }} />
            <Field label="Alias" name="alias" defaultValue={alias} required />
          </ActionForm>
        )}
      </Dialog>
      {hasKey ? (
        <Dialog trigger="Change password" title={`Change the password of "${alias}"`}>
          {(close) => (
            <ActionForm action={changePassword} submitLabel="Save" successMessage="Password changed." onSuccess={close}>
              <Hidden v={{ ...ids, version }} />
              <Field label="Current password" name="password" type="password" autoComplete="off" required />
              <Field label="New password" name="newPassword" type="password" autoComplete="new-password" required />
              <Field label="Confirm new password" name="confirmPassword" type="password" autoComplete="new-password" required />
            </ActionForm>
          )}
        </Dialog>
      ) : null}
      <ConfirmDelete
        what="entry"
        name={alias}
        action={remove}
        hidden={{ ...ids, version }}
        redirectTo={`/projects/${ids.projectId}/keystore`}
        warning={issuedCount > 0 ? `"${alias}" is a CA that issued ${issuedCount} certificate${issuedCount === 1 ? "" : "s"} in this Key Store: their chains become incomplete (yellow). This cannot be undone.` : "The certificate and its private key are deleted. This cannot be undone."}
      />
    </div>
  );
}
