"use client";

import { useState } from "react";
import { ActionForm, type SafeAction } from "../forms/action-form";
import { Field, FieldError, FormErrorsContext, SelectField } from "../forms/form-errors";
import { Dialog } from "../ui/dialog";
import { useContext } from "react";


function SanErrors() {
  const errors = useContext(FormErrorsContext).subjectAltNames;
  return <FieldError id="san-errors" errors={errors} />;
}

/** "New": the form of the Niagara seed's step 1.1 / 1.3, in the seed's words. */
export function NewEntryDialog({ action, projectId, cas }: { action: SafeAction; projectId: string; cas: { alias: string }[] }) {
  const [usage, setUsage] = useState("CA");
  const [signedBy, setSignedBy] = useState("self");
  return (
    <Dialog trigger="New" title="New certificate" triggerVariant="primary">
      {(close) => (
        <ActionForm action={action} submitLabel="OK" successMessage="Certificate created." onSuccess={close} className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          <input type="hidden" name="projectId" value={projectId} />
          <Field label="Alias" name="alias" required className="sm:col-span-2" />
          <SelectField label="Certificate Usage" name="usage" value={usage} onChange={(e) => setUsage(e.target.value)}>
            <option value="CA">CA</option>
            <option value="Client">Client</option>
            <option value="Server">Server</option>
          </SelectField>
          <SelectField label="Key Algorithm" name="keyAlgorithm" defaultValue="RSA-2048" aria-describedby="key-alg-hint">
            <option value="RSA-2048">RSA 2048</option>
            <option value="RSA-3072">RSA 3072</option>
            <option value="RSA-4096">RSA 4096</option>
            <option value="EC-P-256">ECDSA P-256</option>
            <option value="EC-P-384">ECDSA P-384</option>
          </SelectField>
          <p id="key-alg-hint" className="-mt-2 text-xs text-slate-600 sm:col-span-2 dark:text-slate-300">
            RSA 4096 takes a few seconds to generate (the button shows “Working…”); the rest of Gatehouse keeps responding meanwhile.
          </p>
          <Field label="Common Name" name="commonName" required className="sm:col-span-2" />
          <Field label="Organization" name="organization" />
          <Field label="Organizational Unit" name="organizationalUnit" />
          <Field label="Locality" name="locality" />
          <Field label="State" name="state" />
          <Field label="Country" name="country" maxLength={2} hint="Two letters, such as US." />
          <Field label="Email" name="email" type="email" />
          <fieldset className="sm:col-span-2">
            <legend className="text-sm font-medium">Subject Alternative Names {usage === "Server" ? "(a Server needs a DNS name or an IP address)" : "(optional)"}</legend>
            <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
              <Field label="DNS names" name="sanDns" placeholder="db.example.com, *.example.com" />
              <Field label="IP addresses" name="sanIp" placeholder="10.0.0.5" />
              <Field label="Email addresses" name="sanEmail" />
              <Field label="URIs" name="sanUri" />
            </div>
            <SanErrors />
          </fieldset>
          <Field label="Validity (days)" name="validityDays" type="number" min={1} max={7300} defaultValue={usage === "CA" ? 3650 : 365} key={usage} />
          <SelectField label="Signed by" name="signedBy" value={signedBy} onChange={(e) => setSignedBy(e.target.value)}>
            <option value="self">Self-signed</option>
            {cas.map((c) => (
              <option key={c.alias} value={c.alias}>
                CA: {c.alias}
              </option>
            ))}
          </SelectField>
          {signedBy !== "self" ? <Field label="CA password" name="caPassword" type="password" autoComplete="off" className="sm:col-span-2" hint={`The password of CA "${signedBy}".`} /> : null}
          <Field label="Password" name="password" type="password" autoComplete="new-password" required hint="Encrypts the private key. Gatehouse cannot use or recover the key without it." />
          <Field label="Confirm password" name="confirmPassword" type="password" autoComplete="new-password" required />
          {usage === "CA" ? (
            <label className="flex items-center gap-2 text-sm sm:col-span-2">
              <input type="checkbox" name="trustAnchor" defaultChecked className="h-4 w-4" /> Trust this CA in this project (certificates it signs get the green shield)
            </label>
          ) : null}
        </ActionForm>
      )}
    </Dialog>
  );
}
