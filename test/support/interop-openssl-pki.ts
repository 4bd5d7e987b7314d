import { OPENSSL, must, type tempDir } from "./pkcs12-fixtures";

// OpenSSL-made PKI material for the interop tests: a private CA, keys in each format OpenSSL
// writes (PKCS#8 plain/encrypted, traditional RSA/EC, DER), CSRs and certificates — the files
// users bring to Gatehouse's Import and Certificate Signer. A config of our own keeps the
// extensions independent of the system openssl.cnf (whose v3_ca would make every -x509 a CA).

type Dir = ReturnType<typeof tempDir>;

export const OPENSSL_CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[selfsigned]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
`;

export function opensslPki(dir: Dir) {
  const cfg = dir.file("openssl.cnf", OPENSSL_CONFIG);
  const read = (name: string) => dir.read(name).toString("utf8");
  return {
    cfg,
    read,
    /** A self-signed openssl CA: ca.pem + ca.key (unencrypted). */
    ca(name = "ca", subject = "/O=OpenSSL Test/CN=OpenSSL Root") {
      must(OPENSSL, ["req", "-x509", "-newkey", "rsa:2048", "-noenc", "-keyout", dir.file(`${name}.key`), "-out", dir.file(`${name}.pem`), "-subj", subject, "-days", "3650", "-config", cfg, "-extensions", "ca"]);
      return { cert: dir.file(`${name}.pem`), key: dir.file(`${name}.key`) };
    },
    /** A CSR for an existing key file (any format openssl reads; `passin` when it is encrypted). */
    csr(name: string, keyFile: string, subject: string, passin?: string) {
      must(OPENSSL, ["req", "-new", "-key", keyFile, ...(passin ? ["-passin", `pass:${passin}`] : []), "-subj", subject, "-out", dir.file(`${name}.csr`), "-config", cfg]);
      return dir.file(`${name}.csr`);
    },
    /** Signs `csrFile` with the openssl CA; `copy` keeps the request's extensions (SANs, EKU). */
    sign(name: string, csrFile: string, ca: { cert: string; key: string }, opts: { copy?: boolean } = {}) {
      const ext = opts.copy ? ["-copy_extensions", "copyall"] : ["-extfile", cfg, "-extensions", "client"];
      must(OPENSSL, ["x509", "-req", "-in", csrFile, "-CA", ca.cert, "-CAkey", ca.key, "-set_serial", "0x7a11ce5", "-days", "365", ...ext, "-out", dir.file(`${name}.pem`)]);
      return dir.file(`${name}.pem`);
    },
    /** A self-signed leaf certificate for `keyFile` (what `openssl req -x509 -key` makes). */
    selfSigned(name: string, keyFile: string, subject: string, passin?: string) {
      must(OPENSSL, ["req", "-x509", "-new", "-key", keyFile, ...(passin ? ["-passin", `pass:${passin}`] : []), "-subj", subject, "-days", "30", "-config", cfg, "-extensions", "selfsigned", "-out", dir.file(`${name}.pem`)]);
      return dir.file(`${name}.pem`);
    },
    pubkeyOfKey: (keyFile: string, passin?: string) => must(OPENSSL, ["pkey", "-in", keyFile, "-passin", `pass:${passin ?? ""}`, "-pubout"], { input: "" }).stdout,
    pubkeyOfCert: (certFile: string) => must(OPENSSL, ["x509", "-in", certFile, "-noout", "-pubkey"]).stdout,
    derOfCert: (certFile: string) => must(OPENSSL, ["x509", "-in", certFile, "-outform", "DER"]).stdoutBytes,
    subject: (file: string, kind: "x509" | "req" = "x509") => must(OPENSSL, [kind, "-in", file, "-noout", "-subject", "-nameopt", "RFC2253"]).stdout.replace(/^subject=/, "").trimEnd(),
  };
}

/** Keys in the formats OpenSSL writes, each as openssl makes it; `pass` when the file is encrypted. */
export const KEY_FORMATS = [
  { name: "plain PKCS#8 (BEGIN PRIVATE KEY)", header: /^-----BEGIN PRIVATE KEY-----\n/, args: (out: string) => ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", out] },
  {
    name: "encrypted PKCS#8 (openssl req -newkey -passout)",
    header: /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/,
    pass: "file-pass-1",
    args: (out: string, cfg: string) => ["req", "-newkey", "rsa:2048", "-passout", "pass:file-pass-1", "-keyout", out, "-subj", "/CN=throwaway", "-out", `${out}.csr`, "-config", cfg],
  },
  { name: "traditional RSA (genrsa -traditional)", header: /^-----BEGIN RSA PRIVATE KEY-----\n(?!Proc-Type)/, args: (out: string) => ["genrsa", "-traditional", "-out", out, "2048"] },
  {
    name: "traditional encrypted RSA (genrsa -traditional -aes256)",
    header: /^-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,/,
    pass: "file-pass-2",
    args: (out: string) => ["genrsa", "-traditional", "-aes256", "-passout", "pass:file-pass-2", "-out", out, "2048"],
  },
  { name: "traditional EC (ecparam -genkey)", header: /^-----BEGIN EC PRIVATE KEY-----\n/, args: (out: string) => ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", out] },
] as const satisfies readonly { name: string; header: RegExp; pass?: string; args: (out: string, cfg: string) => string[] }[];

export function makeKey(dir: Dir, name: string, format: (typeof KEY_FORMATS)[number]): string {
  const file = dir.file(`${name}.key`);
  must(OPENSSL, format.args(file, dir.file("openssl.cnf", OPENSSL_CONFIG)));
  return file;
}
