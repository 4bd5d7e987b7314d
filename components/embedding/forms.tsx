"use client";

import { useState } from "react";
import { ActionForm, type SafeAction } from "../forms/action-form";
import { Field, SelectField, TextAreaField } from "../forms/form-errors";
import { ShowOnce } from "../forms/show-once";
import { CopyButton } from "../ui/copy-button";
import { Dialog } from "../ui/dialog";
import type { EmbeddingProviderDto } from "@/lib/server/embedding/providers";

/** What the edit form shows: the provider's DTO (type only — nothing server-side reaches the client bundle). */
export type ProviderFormValues = Omit<EmbeddingProviderDto, "typeLabel" | "summary" | "updatedAt">;

/** The fields the seed lists per provider; only the chosen provider's and algorithm's are shown. */
function ProviderFields({ current }: { current?: ProviderFormValues }) {
  const [type, setType] = useState<string>(current?.type ?? "custom-jwt");
  const [algorithm, setAlgorithm] = useState<string>(current?.algorithm ?? "HS256");
  const [source, setSource] = useState<string>(current?.keySource ?? "jwks-url");
  return (
    <>
      <Field label="Name" name="name" defaultValue={current?.name} required maxLength={64} hint="A descriptive name, e.g. Storefront users." />
      <SelectField label="Provider" name="type" value={type} onChange={(e) => setType(e.target.value)}>
        <option value="custom-jwt">Custom JWT</option>
        <option value="google">Google</option>
      </SelectField>
      {type === "google" ? (
        <Field label="Client ID" name="clientId" defaultValue={current?.clientId ?? ""} required hint="Your application's Google Client ID: <prefix>.apps.googleusercontent.com" />
      ) : (
        <>
          <SelectField label="Signing Algorithm" name="algorithm" value={algorithm} onChange={(e) => setAlgorithm(e.target.value)}>
            <option value="HS256">HS256</option>
            <option value="RS256">RS256</option>
          </SelectField>
          {algorithm === "HS256" ? (
            <Field
              label="Signing Key"
              name="secret"
              type="password"
              autoComplete="new-password"
              hint={current?.hasSecret ? "Leave blank to keep the stored secret." : "The secret your server signs the tokens with (at least 32 characters)."}
            />
          ) : (
            <>
              <SelectField label="Signing Key" name="keySource" value={source} onChange={(e) => setSource(e.target.value)}>
                <option value="jwks-url">JWK or JWKS URL</option>
                <option value="jwk">JWK (paste)</option>
                <option value="pem">PEM Public Key</option>
              </SelectField>
              {source === "jwks-url" ? (
                <Field label="JWK or JWKS URL" name="jwksUrl" type="url" defaultValue={current?.jwksUrl ?? ""} hint="Gatehouse fetches the keys from it and tries each until one matches." />
              ) : source === "jwk" ? (
                <TextAreaField label="JWK or JWKS" name="jwk" rows={5} defaultValue={current?.jwk ?? ""} placeholder='{"keys":[{"kty":"RSA","n":"…","e":"AQAB","kid":"…"}]}' />
              ) : (
                <TextAreaField label="PEM Public Key" name="pem" rows={6} defaultValue={current?.pem ?? ""} placeholder="-----BEGIN PUBLIC KEY-----" hint="The public key, or a certificate, of the key pair that signs the tokens." />
              )}
            </>
          )}
          <Field label="Audience (Optional)" name="audience" defaultValue={current?.audience ?? ""} hint="When set, a token's aud claim must contain it." />
        </>
      )}
    </>
  );
}

export function AddProviderDialog({ action, projectId }: { action: SafeAction; projectId: string }) {
  return (
    <Dialog trigger="Add" title="Add an authentication provider" triggerVariant="primary">
      {(close) => (
        <ActionForm action={action} submitLabel="Save" successMessage="Provider added." onSuccess={close} pendingLabel="Checking the key…">
          <input type="hidden" name="projectId" value={projectId} />
          <ProviderFields />
        </ActionForm>
      )}
    </Dialog>
  );
}

export function EditProviderDialog({ action, projectId, provider }: { action: SafeAction; projectId: string; provider: ProviderFormValues }) {
  return (
    <Dialog trigger="Edit" title={`Edit provider "${provider.name}"`}>
      {(close) => (
        <ActionForm action={action} submitLabel="Save" successMessage="Provider saved." onSuccess={close} pendingLabel="Checking the key…">
          <input type="hidden" name="projectId" value={projectId} />
          <input type="hidden" name="providerId" value={provider.id} />
          <input type="hidden" name="version" value={provider.version} />
          <ProviderFields current={provider} />
        </ActionForm>
      )}
    </Dialog>
  );
}

type Verdict = { ok: true; providerName: string; claims: Record<string, unknown> } | { ok: false; code: number; message: string; attempts?: { providerName: string; code: number; message: string }[] };

function VerdictView({ verdict }: { verdict: Verdict }) {
  if (verdict.ok) {
    return (
      <div role="status" className="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-100">
        <p className="font-medium">Accepted{verdict.providerName ? ` by ${verdict.providerName}` : ""}.</p>
        <pre className="mt-1 overflow-x-auto text-xs">{JSON.stringify(verdict.claims, null, 2)}</pre>
      </div>
    );
  }
  return (
    <div role="status" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
      <p className="font-medium">
        Refused — error {verdict.code}: {verdict.message}
      </p>
      {verdict.attempts && verdict.attempts.length > 1 ? (
        <ul className="mt-1 list-disc pl-5 text-xs">
          {verdict.attempts.map((a) => (
            <li key={a.providerName}>
              {a.providerName}: error {a.code}, {a.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Paste a viewer's token (or a signed URL) and see, rule by rule, whether it would open a chart. */
export function CheckForm({ action, projectId, name, label, submitLabel, hint }: { action: SafeAction; projectId: string; name: "token" | "url"; label: string; submitLabel: string; hint: string }) {
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  return (
    <div className="space-y-3">
      <ActionForm action={action} submitLabel={submitLabel} onSuccess={(d) => setVerdict(d as Verdict)} ariaLabel={label}>
        <input type="hidden" name="projectId" value={projectId} />
        <TextAreaField label={label} name={name} rows={3} hint={hint} autoComplete="off" spellCheck={false} />
      </ActionForm>
      {verdict ? <VerdictView verdict={verdict} /> : null}
    </div>
  );
}

/** "Generate New Key": the key is shown once; a new one invalidates every URL signed with the old. */
export function GenerateKeyDialog({ action, projectId, hasKey }: { action: SafeAction; projectId: string; hasKey: boolean }) {
  return (
    <Dialog trigger="Generate New Key" title="Generate a new embedding key" triggerVariant={hasKey ? "danger" : "primary"}>
      {() => (
        <ShowOnce<string>
          form={(done) => (
            <ActionForm action={action} submitLabel="Generate New Key" submitVariant={hasKey ? "danger" : "primary"} successMessage="New embedding key generated." onSuccess={(d) => done((d as { key: string }).key)}>
              <input type="hidden" name="projectId" value={projectId} />
              <p className="text-sm">
                {hasKey
                  ? "The current key stops working at once: every chart embedded with a URL signed by it stops rendering until its server signs with the new key."
                  : "Embedding keys sign chart URLs in Verified Signature mode. They are deprecated: prefer authentication providers and the Embedding SDK."}
              </p>
            </ActionForm>
          )}
        >
          {(key) => (
            <div className="space-y-3" data-testid="embedding-key-once">
              <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
                Copy the key now. It will not be shown again.
              </p>
              <div className="flex items-center gap-2">
                <code className="break-all text-sm" data-testid="embedding-key">
                  {key}
                </code>
                <CopyButton text={key} label="Copy Embedding Key" />
              </div>
            </div>
          )}
        </ShowOnce>
      )}
    </Dialog>
  );
}
