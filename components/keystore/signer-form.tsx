"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { ActionForm } from "../forms/action-form";
import { Field, SelectField } from "../forms/form-errors";
import { downloadFile } from "../ui/download";
import { useToast } from "../ui/toast";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SafeAction = (input: any) => Promise<any>;
type Signed = { filename: string; contentType: string; base64: string; subject: string; serial: string; notAfter: string };

const toBase64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

/**
 * Certificate Signer Tool: the .csr (uploaded or pasted), the CA alias and its password, usage and
 * validity → a signed `<cn>.pem`, downloaded at once, with "Import into Key Store" to pair it.
 */
export function SignerForm({ projectId, cas, sign, importCert }: { projectId: string; cas: { alias: string; notAfter: string }[]; sign: SafeAction; importCert: SafeAction }) {
  const [signed, setSigned] = useState<Signed | null>(null);
  const [pending, start] = useTransition();
  const toast = useToast();
  const router = useRouter();
  return (
    <div className="grid gap-8 lg:grid-cols-2">
      <ActionForm
        action={async (input: Record<string, unknown>) => {
          // A pasted request travels like an uploaded file: base64 of its bytes.
          const csr = (input.csr as string | undefined) || (typeof input.csrText === "string" && input.csrText.trim() ? toBase64(input.csrText) : undefined);
          return sign({ ...input, csr, csrText: undefined });
        }}
        submitLabel="Sign"
        ariaLabel="Sign a certificate request"
        successMessage="Signed. The .pem was downloaded."
        onSuccess={(d) => {
          setSigned(d as Signed);
          downloadFile(d as Signed);
        }}
      >
        <input type="hidden" name="projectId" value={projectId} />
        <Field label="Request file (.csr)" name="csr" type="file" accept=".csr,.pem,.req,.der" />
        <div>
          <label htmlFor="f-csrText" className="block text-sm font-medium">
            …or paste the request (PEM)
          </label>
          <textarea id="f-csrText" name="csrText" rows={6} className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs dark:border-slate-600 dark:bg-slate-900" placeholder="-----BEGIN CERTIFICATE REQUEST-----" />
        </div>
        <SelectField label="CA alias" name="caAlias" defaultValue={cas[0]?.alias ?? ""}>
          {cas.length === 0 ? <option value="">No CA with a private key in this Key Store</option> : null}
          {cas.map((c) => (
            <option key={c.alias} value={c.alias}>
              {c.alias} (valid until {c.notAfter.slice(0, 10)})
            </option>
          ))}
        </SelectField>
        <Field label="CA password" name="caPassword" type="password" autoComplete="off" required />
        <SelectField label="Certificate Usage" name="usage" defaultValue="Client">
          <option value="Client">Client</option>
          <option value="Server">Server</option>
          <option value="CA">CA (intermediate)</option>
        </SelectField>
        <Field label="Validity (days)" name="validityDays" type="number" min={1} max={7300} defaultValue={365} hint="Never beyond the CA's own expiry." />
      </ActionForm>
      <section aria-labelledby="signed-result" aria-live="polite">
        <h2 id="signed-result" className="mb-2 font-semibold">Signed certificate</h2>
        {signed ? (
          <div className="space-y-2 text-sm">
            <p>
              <strong>{signed.filename}</strong> — {signed.subject}, serial {signed.serial}, valid until {signed.notAfter.slice(0, 10)}.
            </p>
            <div className="flex gap-2">
              <button type="button" className="rounded-md border border-slate-300 px-3 py-2 dark:border-slate-600" onClick={() => downloadFile(signed)}>
                Download again
              </button>
              <button
                type="button"
                disabled={pending}
                className="rounded-md bg-brand-700 px-3 py-2 font-medium text-white"
                onClick={() =>
                  start(async () => {
                    const r = await importCert({ projectId, kind: "certificate", file: signed.base64 });
                    if (r?.serverError || r?.validationErrors) {
                      toast("error", r.serverError?.message ?? "The import failed: open Import in the Key Store and give it an alias.");
                      return;
                    }
                    toast("success", r?.data?.paired ? `Imported into "${r.data.alias}": it now carries the signed certificate.` : "Imported into the Key Store.");
                    router.push(`/projects/${projectId}/keystore/${r?.data?.id ?? ""}`);
                  })
                }
              >
                Import into Key Store
              </button>
            </div>
          </div>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-300">Choose or paste a request, pick the CA and enter its password. The signed certificate downloads as a .pem and can be imported right here.</p>
        )}
      </section>
    </div>
  );
}
