import { once } from "node:events";
import net, { type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { analyzeConnectionString, connectionStringForDriver, redactConnectionString, type AuthenticationScheme, type ConnectionStringProblemCode } from "./connection-string";
import { driverVerdict } from "./driver-check";
import { FILE_OPTIONS, NODE_ONLY_OPTIONS, TLS_MATERIAL_OPTIONS } from "./option-lists";

// The seed's string (niagara-mongodb-x509-certificate-auth.txt §2.1) with a real host name.
const SEED = "mongodb+srv://cluster0.abcde.mongodb.net/?authSource=%24external&authMechanism=MONGODB-X509&retryWrites=true&w=majority&tls=true";
const X509_Q = "authSource=%24external&authMechanism=MONGODB-X509&tls=true";

type Row = { name: string; s: string; scheme: AuthenticationScheme; errors?: ConnectionStringProblemCode[]; warnings?: ConnectionStringProblemCode[] };

const TABLE: Row[] = [
  { name: "the seed's string", s: SEED, scheme: "x509" },
  { name: "the seed's template with its placeholder", s: SEED.replace("cluster0.abcde.mongodb.net", "<hostname>"), scheme: "x509", errors: ["PLACEHOLDER"] },
  { name: "X.509 without tls on mongodb://", s: "mongodb://db1.example.net:27017/?authSource=%24external&authMechanism=MONGODB-X509", scheme: "x509", errors: ["X509_TLS_MISSING"] },
  { name: "X.509 without tls on mongodb+srv:// (TLS is on by default)", s: SEED.replace("&tls=true", ""), scheme: "x509", warnings: ["X509_TLS_IMPLICIT"] },
  { name: "X.509 with tls=false", s: SEED.replace("tls=true", "tls=false"), scheme: "x509", errors: ["X509_TLS_DISABLED"] },
  { name: "X.509 with ssl=true instead of tls", s: SEED.replace("tls=true", "ssl=true"), scheme: "x509" },
  { name: "X.509 without authMechanism", s: SEED.replace("&authMechanism=MONGODB-X509", ""), scheme: "x509", errors: ["X509_MECHANISM_MISSING"] },
  { name: "X.509 with a SCRAM mechanism", s: SEED.replace("MONGODB-X509", "SCRAM-SHA-256"), scheme: "x509", errors: ["X509_MECHANISM_WRONG"] },
  { name: "X.509 without authSource (the driver defaults to $external)", s: SEED.replace("authSource=%24external&", ""), scheme: "x509", warnings: ["X509_AUTH_SOURCE_MISSING"] },
  { name: "X.509 with authSource=admin", s: SEED.replace("%24external", "admin"), scheme: "x509", errors: ["X509_AUTH_SOURCE_WRONG"] },
  { name: "X.509 with authSource=$external written unencoded", s: SEED.replace("%24external", "$external"), scheme: "x509" },
  { name: "a port on mongodb+srv://", s: SEED.replace(".net/", ".net:27017/"), scheme: "x509", errors: ["SRV_PORT"] },
  { name: "two hosts on mongodb+srv://", s: SEED.replace("cluster0.abcde.mongodb.net", "a.example.net,b.example.net"), scheme: "x509", errors: ["SRV_MULTIPLE_HOSTS"] },
  { name: "an IP address on mongodb+srv://", s: `mongodb+srv://10.0.0.5/?${X509_Q}`, scheme: "x509", errors: ["SRV_BAD_HOST"] },
  { name: "an http:// URL", s: "http://db.example.net/", scheme: "none", errors: ["BAD_SCHEME"] },
  { name: "the scheme in capitals", s: "MONGODB://db.example.net:27017/", scheme: "none", errors: ["BAD_SCHEME"] },
  { name: "a bare host:port", s: "db.example.net:27017", scheme: "none", errors: ["BAD_SCHEME"] },
  { name: "no host at all", s: "mongodb://", scheme: "none", errors: ["BAD_HOST"] },
  { name: "port out of range", s: `mongodb://db.example.net:99999/?${X509_Q}`, scheme: "x509", errors: ["BAD_PORT"] },
  { name: "port not a number", s: `mongodb://db.example.net:abc/?${X509_Q}`, scheme: "x509", errors: ["BAD_PORT"] },
  { name: "a space in the host name", s: "mongodb://db example.net:27017/", scheme: "none", errors: ["BAD_HOST"] },
  { name: "an empty host in the list", s: "mongodb://a.example.net,,b.example.net/", scheme: "none", errors: ["BAD_HOST"] },
  { name: "an @ in the password, not encoded", s: "mongodb://app:p@ss@db.example.net/?authSource=admin", scheme: "none", errors: ["MALFORMED"] },
  { name: "unknown options (the driver refuses them)", s: `${SEED}&tlsCertificateKeyFilePassword2=x&Foo=1`, scheme: "x509", errors: ["UNKNOWN_OPTIONS"] },
  { name: "credentials in an X.509 string", s: SEED.replace("mongodb+srv://", "mongodb+srv://station:secret@"), scheme: "x509", errors: ["X509_CREDENTIALS"] },
  { name: "a user name (no password) in an X.509 string", s: SEED.replace("mongodb+srv://", "mongodb+srv://CN%3Dniagara@"), scheme: "x509", warnings: ["X509_USERNAME_IN_STRING"] },
  { name: "certificate files in the string", s: `${SEED}&tlsCertificateKeyFile=%2Fetc%2Fniagara.pem&tlsCertificateKeyFilePassword=pw&tlsCAFile=/etc/ca.pem`, scheme: "x509", warnings: ["CERTIFICATE_OPTION_IGNORED"] },
  { name: "tlsInsecure", s: `${SEED}&tlsInsecure=true`, scheme: "x509", warnings: ["TLS_INSECURE"] },
  { name: "invalid certificates and host names allowed", s: `${SEED}&tlsAllowInvalidCertificates=true&tlsAllowInvalidHostnames=true`, scheme: "x509", warnings: ["TLS_INSECURE"] },
  { name: "tlsInsecure together with tlsAllowInvalidCertificates", s: `${SEED}&tlsInsecure=true&tlsAllowInvalidCertificates=true`, scheme: "x509", errors: ["CONFLICTING_OPTIONS"], warnings: ["TLS_INSECURE"] },
  { name: "tls and ssl disagreeing", s: `${SEED}&ssl=false`, scheme: "x509", errors: ["CONFLICTING_OPTIONS"] },
  { name: "an option given twice", s: `${SEED}&w=1`, scheme: "x509", errors: ["DUPLICATE_OPTION"] },
  { name: "an option with no value", s: `mongodb://db.example.net/?w=&${X509_Q}`, scheme: "x509", errors: ["EMPTY_OPTION"] },
  { name: "a boolean that is not true/false", s: SEED.replace("retryWrites=true", "retryWrites=yes"), scheme: "x509", errors: ["INVALID_OPTION_VALUE"] },
  { name: "directConnection on mongodb+srv://", s: `${SEED}&directConnection=true`, scheme: "x509", errors: ["DIRECT_CONNECTION"] },
  { name: "a deprecated option", s: `${SEED}&j=true`, scheme: "x509", warnings: ["DEPRECATED_OPTION"] },
  { name: "a Node.js option that is not a URI option", s: `${SEED}&rejectUnauthorized=false`, scheme: "x509", warnings: ["NOT_A_URI_OPTION"] },
  { name: "Password scheme with MONGODB-X509", s: SEED, scheme: "password", errors: ["PASSWORD_X509_MECHANISM"] },
  { name: "Password scheme with authSource=$external", s: "mongodb://db.example.net:27017/?authSource=%24external", scheme: "password", errors: ["PASSWORD_EXTERNAL_AUTH_SOURCE"] },
  { name: "Password scheme with GSSAPI", s: "mongodb://db.example.net:27017/?authMechanism=GSSAPI", scheme: "password", errors: ["PASSWORD_MECHANISM_UNSUPPORTED"] },
  { name: "Password scheme signing in against the path's database", s: "mongodb://db.example.net:27017/sales", scheme: "password", warnings: ["PASSWORD_AUTH_SOURCE_FROM_PATH"] },
  { name: "Password scheme with credentials in the string", s: "mongodb://app:pw@db.example.net:27017/?authSource=admin", scheme: "password", warnings: ["PASSWORD_CREDENTIALS_IN_STRING"] },
  { name: "Password scheme, clean", s: "mongodb://db1.example.net:27017,db2.example.net:27017/?replicaSet=rs0&authSource=admin&tls=true", scheme: "password" },
  { name: "no authentication with MONGODB-X509", s: SEED, scheme: "none", errors: ["NONE_X509_MECHANISM"] },
  { name: "no authentication, OIDC from the Kubernetes service account", s: "mongodb://db.example.net/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:k8s", scheme: "none", errors: ["NONE_AMBIENT_MECHANISM"] },
  { name: "no authentication, OIDC from the cloud metadata service", s: "mongodb://db.example.net/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:api%3A%2F%2Fx", scheme: "none", errors: ["NONE_AMBIENT_MECHANISM"] },
  { name: "no authentication, AWS from the environment", s: "mongodb://db.example.net/?authMechanism=MONGODB-AWS&authSource=%24external", scheme: "none", errors: ["NONE_AMBIENT_MECHANISM"] },
  { name: "no authentication, Kerberos from the ticket cache", s: "mongodb://svc%40EXAMPLE.COM@db.example.net/?authMechanism=GSSAPI", scheme: "none", errors: ["NONE_AMBIENT_MECHANISM"] },
  { name: "no authentication, SCRAM named but no user", s: "mongodb://db.example.net/?authMechanism=SCRAM-SHA-256", scheme: "none", errors: ["NONE_MECHANISM_NEEDS_USER"] },
  { name: "no authentication, password in the string", s: "mongodb://app:pw@db.example.net/", scheme: "none", warnings: ["CREDENTIALS_IN_STRING"] },
  { name: "the test server: one host, direct connection", s: `mongodb://localhost:27999/?directConnection=true&${X509_Q}`, scheme: "x509" },
  { name: "an IPv6 host", s: `mongodb://[::1]:27017/?${X509_Q}`, scheme: "x509" },
  { name: "a database name MongoDB refuses", s: "mongodb://db.example.net/my.db", scheme: "none", errors: ["BAD_DATABASE_NAME"] },
  { name: "a unix socket", s: "mongodb://%2Ftmp%2Fmongodb-27017.sock/", scheme: "none" },
];

const codes = (problems: { code: string; severity: string }[], severity: string) => problems.filter((p) => p.severity === severity).map((p) => p.code).sort();

describe("analyzeConnectionString", () => {
  it.each(TABLE)("$name", ({ s, scheme, errors = [], warnings = [] }) => {
    const a = analyzeConnectionString(s, scheme);
    expect(codes(a.problems, "error")).toEqual([...errors].sort());
    expect(codes(a.problems, "warning")).toEqual([...warnings].sort());
    expect(a.ok).toBe(errors.length === 0);
    for (const p of a.problems) {
      expect(p.message.length).toBeGreaterThan(20);
      if (!p.fix) continue;
      const again = analyzeConnectionString(p.fix.value, scheme);
      expect(again.problems.map((q) => q.code), `${p.code} fix: ${p.fix.value}`).not.toContain(p.code);
      if (errors.length === 1 && p.severity === "error") expect(again.ok, `${p.code} fix: ${p.fix.value}`).toBe(true);
    }
    if (a.suggested) expect(analyzeConnectionString(a.suggested, scheme).ok).toBe(true);
  });

  it("has at least one fix for every error that can be corrected mechanically", () => {
    const fixable: ConnectionStringProblemCode[] = ["SRV_PORT", "X509_TLS_MISSING", "X509_TLS_DISABLED", "X509_MECHANISM_MISSING", "X509_MECHANISM_WRONG", "X509_AUTH_SOURCE_WRONG", "X509_CREDENTIALS", "UNKNOWN_OPTIONS", "PASSWORD_X509_MECHANISM", "MALFORMED", "BAD_SCHEME"];
    for (const row of TABLE) {
      for (const p of analyzeConnectionString(row.s, row.scheme).problems) {
        if (fixable.includes(p.code) && row.name !== "an http:// URL") expect(p.fix, `${row.name}: ${p.code}`).toBeDefined();
      }
    }
  });

  it("accepts the seed's string with nothing to say, and reports what the driver will use", () => {
    const a = analyzeConnectionString(SEED, "x509");
    expect(a).toMatchObject({ ok: true, problems: [], srv: true, hosts: ["cluster0.abcde.mongodb.net"], normalized: SEED });
    expect(a.suggested).toBeUndefined();
    expect(a.options).toEqual({ authSource: "$external", authMechanism: "MONGODB-X509", retryWrites: "true", w: "majority", tls: "true" });
  });

  it("builds each X.509 fix as the whole corrected string, authSource written %24external", () => {
    const s = "mongodb://db1.example.net:27017/?retryWrites=true&authSource=admin";
    const a = analyzeConnectionString(s, "x509");
    const fix = a.problems.find((p) => p.code === "X509_MECHANISM_MISSING")!.fix!;
    expect(fix.value).toBe("mongodb://db1.example.net:27017/?retryWrites=true&authSource=%24external&tls=true&authMechanism=MONGODB-X509");
    expect(a.problems.find((p) => p.code === "X509_TLS_MISSING")!.fix!.value).toBe(fix.value);
    expect(analyzeConnectionString(fix.value, "x509")).toMatchObject({ ok: true, problems: [] });
  });

  it("drops only the port from a mongodb+srv:// host and keeps every option as written", () => {
    const a = analyzeConnectionString("mongodb+srv://cluster0.abcde.mongodb.net:27017/?readPreferenceTags=dc:ny,rack:1&authSource=%24external&authMechanism=MONGODB-X509&tls=true&readPreference=secondary", "x509");
    expect(a.problems[0]!.fix!.value).toBe("mongodb+srv://cluster0.abcde.mongodb.net/?readPreferenceTags=dc:ny,rack:1&authSource=%24external&authMechanism=MONGODB-X509&tls=true&readPreference=secondary");
  });

  it("names unknown options as written and still reports the driver's other complaints", () => {
    const a = analyzeConnectionString(`${SEED}&Foo=1&bar=2&retryReads=maybe`, "x509");
    const unknown = a.problems.find((p) => p.code === "UNKNOWN_OPTIONS")!;
    expect(unknown.message).toContain("Foo, bar");
    expect(unknown.message).toContain("options foo, bar are not supported");
    expect(unknown.fix!.value).toBe(`${SEED}&retryReads=maybe`);
    expect(codes(a.problems, "error")).toEqual(["INVALID_OPTION_VALUE", "UNKNOWN_OPTIONS"]);
  });

  it("percent-encodes a password with @ as the fix", () => {
    expect(analyzeConnectionString("mongodb://app:p@ss@db.example.net/?authSource=admin", "password").problems[0]).toMatchObject({
      code: "MALFORMED",
      fix: { value: "mongodb://app:p%40ss@db.example.net/?authSource=admin" },
    });
  });

  it("sees a password with / and @ that the driver would read as host ss and database w:rd@db…", () => {
    const a = analyzeConnectionString("mongodb://app:p@ss/w:rd@db.example.net/?authSource=admin", "password");
    expect(a.hosts).toEqual(["ss"]);
    expect(a.problems.find((p) => p.code === "BAD_DATABASE_NAME")).toMatchObject({ severity: "error", fix: { value: "mongodb://app:p%40ss%2Fw%3Ard@db.example.net/?authSource=admin" } });
  });

  it("renames a deprecated option to its replacement, keeping the value", () => {
    const a = analyzeConnectionString(`${SEED}&j=false`, "x509");
    expect(a.problems[0]).toMatchObject({ code: "DEPRECATED_OPTION", option: "j", fix: { value: `${SEED}&journal=false` } });
  });

  it("catches the driver's deprecation warnings without logging them", async () => {
    const seen: string[] = [];
    const listener = (w: Error) => seen.push(w.message);
    process.on("warning", listener);
    try {
      analyzeConnectionString(`${SEED}&j=true&wtimeout=5`, "x509");
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off("warning", listener);
    }
    expect(seen).toEqual([]);
  });

  it("never shows a secret in the options it reports", () => {
    const a = analyzeConnectionString(`${SEED}&tlsCertificateKeyFilePassword=hunter2&proxyHost=p.example.net&proxyUsername=u&proxyPassword=pp`, "x509");
    expect(a.options.tlsCertificateKeyFilePassword).toBe("****");
    expect(a.options.proxyPassword).toBe("****");
    expect(JSON.stringify(a.options)).not.toMatch(/hunter2|"pp"/);
  });

  it("runs the driver's own parser without opening a connection", async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as AddressInfo).port;
    expect(analyzeConnectionString(`mongodb://127.0.0.1:${port}/?directConnection=true&appName=probe`, "none").ok).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    server.close();
    expect(connections).toBe(0);
  });

  it("reads the string trimmed, as a paste with a trailing newline is meant", () => {
    expect(analyzeConnectionString(`  ${SEED}\n`, "x509")).toMatchObject({ ok: true, normalized: SEED });
  });
});

describe("connectionStringForDriver", () => {
  it("removes file paths, key material and Node-only options, nothing else", () => {
    const s = `${SEED}&tlsCertificateKeyFile=/etc/k.pem&tlsCAFile=/etc/ca.pem&key=abc&rejectUnauthorized=false&raw=true&appName=plant`;
    expect(connectionStringForDriver(s)).toBe(`${SEED}&appName=plant`);
  });

  it("removes them by the name the driver reads: any case, percent-encoded", () => {
    const s = `${SEED}&tls%43AFile=/etc/ca.pem&TLSCERTIFICATEKEYFILE=/etc/k.pem&tlsCertificate%4BeyFile=/x&%70assphrase=pw&appName=plant`;
    expect(connectionStringForDriver(s)).toBe(`${SEED}&appName=plant`);
  });

  it("knows only options the driver accepts, so none of them is ever reported as unknown", () => {
    const value = (k: string) => (k === "mongodbLogPath" ? "stderr" : "true");
    for (const k of [...FILE_OPTIONS, ...TLS_MATERIAL_OPTIONS, ...NODE_ONLY_OPTIONS]) {
      const verdict = driverVerdict(`mongodb://db.example.net/?${k}=${value(k)}`);
      expect(verdict.findings.filter((f) => f.kind === "unknownOptions"), k).toEqual([]);
    }
  });
});

describe("redactConnectionString", () => {
  it.each([
    ["mongodb://app:s3cret@db.example.net/?authSource=admin", "mongodb://app:****@db.example.net/?authSource=admin"],
    ["mongodb+srv://app:s3cret@cluster0.example.net/", "mongodb+srv://app:****@cluster0.example.net/"],
    [`${SEED}&tlsCertificateKeyFilePassword=hunter2`, `${SEED}&tlsCertificateKeyFilePassword=****`],
    ["mongodb://h.example.net/?proxyHost=p&proxyUsername=u&proxyPassword=pp", "mongodb://h.example.net/?proxyHost=p&proxyUsername=u&proxyPassword=****"],
    ["mongodb://app:p@ss@db.example.net/", "mongodb://app:****@db.example.net/"],
    ["app:s3cret@db.example.net:27017", "app:****@db.example.net:27017"],
    ["mongodb://h.example.net/?tls=true&passphrase=s3cret&appName=a", "mongodb://h.example.net/?tls=true&passphrase=****&appName=a"],
    ["mongodb://h.example.net/?tls=true&Pass%70hrase=s3cret&key=-----BEGIN%20PRIVATE%20KEY-----abc", "mongodb://h.example.net/?tls=true&Pass%70hrase=****&key=****"],
    [SEED, SEED],
  ])("%s", (input, expected) => {
    expect(redactConnectionString(input)).toBe(expected);
  });
});
