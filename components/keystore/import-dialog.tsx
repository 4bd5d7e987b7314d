"use client";

import { useState } from "react";
import { ActionForm, type SafeAction } from "../forms/action-form";
import { Field, SelectField } from "../forms/form-errors";
import { Dialog } from "../ui/dialog";


/** "Import": a certificate (pairs with its key when the key is here), a PKCS#12, or PEM cert + key. */
export function ImportDialog({ action, projectId }: { action: SafeAction; projectId: string }) {
  const [kind, setKind] = useState("certificate");
  return (
    <Dialog trigger="Import" title="Import into the Key Store">
      {(close) => (
        <ActionForm
          action={action}
          submitLabel="Import"
          onSuccess={close}
          successMessage={kind === "certificate" ? "Imported. A signed certificate whose key is in the Key Store now sits on that entry." : "Imported."}
        >
          <input type="hidden" name="projectId" value={projectId} />
          <SelectField label="What to import" name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="certificate">Certificate (.pem, .crt, .der)</option>
            <option value="pkcs12">PKCS#12 with private key (.p12, .pfx)</option>
            <option value="pem-key">PEM certificate + PEM private key</option>
          </SelectField>
          <Field label={kind === "pkcs12" ? "PKCS#12 file" : "Certificate file"} name="file" type="file" accept={kind === "pkcs12" ? ".p12,.pfx" : ".pem,.crt,.cer,.der"} required />
          {kind === "pem-key" ? <Field label="Private key file" name="keyFile" type="file" accept=".pem,.key" required /> : null}
          <Field label="Alias" name="alias" hint={kind === "certificate" ? "Needed unless the certificate pairs with an entry that holds its key." : kind === "pkcs12" ? "Leave empty to use the file's friendly name." : undefined} />
          {kind !== "certificate" ? (
            <>
              <Field label={kind === "pkcs12" ? "PKCS#12 password" : "Key file password (if encrypted)"} name="filePassword" type="password" autoComplete="off" />
              <Field label="Password" name="password" type="password" autoComplete="new-password" hint="The imported key is re-encrypted under this password." />
              <Field label="Confirm password" name="confirmPassword" type="password" autoComplete="new-password" />
            </>
          ) : null}
        </ActionForm>
      )}
    </Dialog>
  );
}
