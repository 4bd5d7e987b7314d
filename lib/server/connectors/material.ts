import "server-only";
import type { Classified } from "../../mongo/classify-error";
import type { CheckConnectivityInput } from "../../mongo/connectivity";
import { toPem } from "../../pki/pem";
import { unsealString } from "../../secrets";
import type { ConnectorRecord } from "../../store/connectors-types";
import type { Runtime } from "../runtime";
import { chainOf } from "../keystore/export";

export const secretPurpose = (connectorId: string) => `connector-secret:${connectorId}`;

type Material = { ok: true; input: Omit<CheckConnectivityInput, "MongoClientImpl"> } | { ok: false; failure: Classified };

const config = (message: string): Material => ({ ok: false, failure: { stage: "configuration", code: "BAD_CERTIFICATE", message } });

/**
 * What the driver needs to sign in as this connector. The private key stays the Key Store's
 * encrypted PKCS#8: it is handed to OpenSSL with the unsealed password as the passphrase, so no
 * decrypted key exists in JavaScript or on disk, and a wrong password fails before any network call.
 */
export async function connectionInputFor(rt: Runtime, c: ConnectorRecord): Promise<Material> {
  const timeoutMs = rt.config.connectorTimeoutSeconds * 1000;
  let caPem: string | undefined;
  if (c.caEntryId) {
    const ca = await rt.store.keystore.get(c.caEntryId);
    if (!ca) return config("The trusted CA of this connector is no longer in the Key Store. Edit the connector and pick another one.");
    caPem = toPem("CERTIFICATE", ca.certificateDer);
  }
  const base = { uri: c.connectionString, database: c.databaseName, timeoutMs, ...(caPem !== undefined ? { caPem } : {}) };
  if (c.authScheme === "none") return { ok: true, input: { ...base, auth: { kind: "none" } } };
  const secret = c.sealedSecret ? unsealString(rt.masterKey, secretPurpose(c.id), c.sealedSecret) : "";
  if (c.authScheme === "password") return { ok: true, input: { ...base, auth: { kind: "password", username: c.username ?? "", password: secret } } };

  const entry = c.certificateEntryId ? await rt.store.keystore.get(c.certificateEntryId) : null;
  if (!entry) return config("The certificate of this connector is no longer in the Key Store. Edit the connector and pick a certificate alias.");
  if (!entry.encryptedKey) return config(`"${entry.alias}" has no private key in the Key Store, so it cannot sign in. Import its key or pick another alias.`);
  // The issuers the store holds travel with the certificate, so a server that trusts only the
  // root still accepts a certificate issued by an intermediate.
  const chain = (await chainOf(rt.store, entry)).filter((e) => !e.selfSigned);
  const certPem = [entry, ...chain].map((e) => toPem("CERTIFICATE", e.certificateDer)).join("");
  return {
    ok: true,
    input: { ...base, auth: { kind: "x509", keyPem: toPem("ENCRYPTED PRIVATE KEY", entry.encryptedKey), certPem, passphrase: secret.normalize("NFC") } },
  };
}
