"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { ActionForm, type SafeAction } from "../forms/action-form";
import { Field, SelectField } from "../forms/form-errors";
import { bytesToBase64, downloadFile } from "../ui/download";
import { useToast } from "../ui/toast";

type Signed = { filename: string; contentType: string; base64: string; subject: string; serial: string; notAfter: string };

const toBase64 = (text: string) => bytesToBase64(new TextEncoder().encode(text));

/**
 * Certificate Signer Tool: the .csr (uploaded or pasted), the CA alias and its password, usage and
 * validity → a signed `<cn>.pem`, downloaded at once, with "Import into Key Store" to pair it.
 */
type Preview = { subject: string; sans: Record<string, string[] | undefined>; key: string; requestedUsage: string };

export function SignerForm({ projectId, cas, sign, importCert, preview }: { projectId: string; cas: { alias: string; notAfter: string }[]; sign: SafeAction; importCert: SafeAction; preview: SafeAction }) {
  const [signed, setSigned] = useState<Signed | null>(null);
  const [req, setReq] = useState<{ ok: true; p: Preview } | { ok: false; message: string } | null>(null);
  // As soon as a request is chosen or pasted, the server checks its signature and shows what it asks for.
  const inspect = async (csr: string) => {
    const r = await preview({ projectId, csr });
    if (r?.data) setReq({ ok: true, p: r.data as Preview });
    else setReq({ ok: false, message: r?.serverError?.message ?? r?.validationErrors?.fieldErrors?.csr?.[0] ?? "This request cannot be read." });
  };
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
        <Field
          label="Request file (.csr)"
          name="csr"
          type="file"
          accept=".csr,.pem,.req,.der"
          onChange={async (e) => {
            const f = e.target.files?.[0];
            if (f) await inspect(bytesToBase64(new Uint8Array(await f.arrayBuffer())));
          }}
        />
        <div>
          <label htmlFor="f-csrText" className="block text-sm font-medium">
            …or paste the request (PEM)
          </label>
          <textarea id="f-csrText" name="csrText" rows={6} onBlur={(e) => e.target.value.trim() && inspect(toBase64(e.target.value))} className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs dark:border-slate-600 dark:bg-slate-900" placeholder="-----BEGIN CERTIFICATE REQUEST-----" />
        </div>
        {req ? (
          req.ok ? (
            <dl aria-label="The request" className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 rounded-md border border-emerald-300 p-3 text-sm dark:border-emerald-800">
              <dt className="font-semibold">Signature</dt>
              <dd>verifies (the requester holds the key)</dd>
              <dt className="font-semibold">Subject</dt>
              <dd className="break-all">{req.p.subject}</dd>
              <dt className="font-semibold">SANs</dt>
              <dd className="break-all">{Object.entries(req.p.sans).flatMap(([k, v]) => (v ?? []).map((x) => `${k.toUpperCase()}:${x}`)).join(", ") || "—"}</dd>
              <dt className="font-semibold">Key</dt>
              <dd>{req.p.key}</dd>
              <dt className="font-semibold">Asks to be</dt>
              <dd>{req.p.requestedUsage}</dd>
            </dl>
          ) : (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400">
              {req.message}
            </p>
          )
        ) : null}
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
