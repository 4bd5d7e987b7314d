import { GatehouseError } from "../errors";
import { analyzeConnectionString, connectionStringForDriver } from "./connection-string";
import { commentText, jsString, pyString, shellWord } from "./quote";
import { editUri, splitUri } from "./uri-text";

export { mongoshUserCommands, type DatabaseUserCommand, type MongodRole } from "./user-commands";

// "Connect" snippets for a connector's certificate, ready to paste. They name the combined PEM
// (certificate + encrypted key, the Key Store's "PEM for MongoDB drivers") by file name; the
// password is a placeholder unless the caller passes something else.

export type ConnectSnippetsInput = {
  connectionString: string;
  database: string;
  /** The combined PEM file the user downloads, e.g. "niagara-combined.pem". */
  certificateFileName: string;
  /** Written where the key password goes (default "<password>"); "" when the key has none. */
  passwordPlaceholder?: string;
  /** The certificate's RFC 2253 subject: the MongoDB user name. */
  userName: string;
  /** File name of the CA for the server's certificate, when it is not a public one. */
  caFileName?: string;
};

export type ConnectSnippets = { pymongoKwargs: string; pymongoUri: string; node: string; mongosh: string };

const DEFAULT_PASSWORD = "<password>";

function baseUri(s: string): string {
  const a = analyzeConnectionString(s, "x509");
  const errors = a.problems.filter((p) => p.severity === "error");
  if (errors.length) {
    throw new GatehouseError("VALIDATION", `The connector's connection string cannot be used with a client certificate: ${errors[0]!.message}`, {
      fieldErrors: { connectionString: errors.map((e) => e.message) },
    });
  }
  // Paths on the Gatehouse server mean nothing on the user's machine; the snippet names its own file.
  return editUri(connectionStringForDriver(a.normalized!), []);
}

function withOptions(uri: string, pairs: [string, string][]): string {
  return editUri(uri, pairs.map(([key, value]) => ({ op: "set", key, value })));
}

export function connectSnippets(input: ConnectSnippetsInput): ConnectSnippets {
  if (!input.certificateFileName.trim()) throw new GatehouseError("VALIDATION", "A certificate file name is needed for the snippets.");
  const uri = baseUri(input.connectionString);
  const password = input.passwordPlaceholder ?? DEFAULT_PASSWORD;
  const file = input.certificateFileName;
  const ca = input.caFileName;
  const who = `# Signs in as ${commentText(input.userName)} (MONGODB-X509, user in $external)`;

  const pyArgs = [
    `    ${pyString(uri)},`,
    "    tls=True,",
    `    tlsCertificateKeyFile=${pyString(file)},`,
    ...(password ? [`    tlsCertificateKeyFilePassword=${pyString(password)},`] : []),
    ...(ca ? [`    tlsCAFile=${pyString(ca)},`] : []),
  ];
  const pymongoKwargs = ["from pymongo import MongoClient", "", who, "client = MongoClient(", ...pyArgs, ")", `db = client[${pyString(input.database)}]`, 'print(db.command("ping"))', ""].join("\n");

  const fileUri = withOptions(uri, [["tls", "true"], ["tlsCertificateKeyFile", file], ...(ca ? ([["tlsCAFile", ca]] as [string, string][]) : [])]);
  const pymongoUri = [
    ...(password ? ["from urllib.parse import quote"] : []),
    "from pymongo import MongoClient",
    "",
    who,
    ...(password
      ? [
          `password = ${pyString(password)}  # the key password; quote() percent-encodes it for the URI`,
          `uri = ${pyString(`${fileUri}&tlsCertificateKeyFilePassword=`)} + quote(password, safe="")`,
        ]
      : [`uri = ${pyString(fileUri)}`]),
    "client = MongoClient(uri)",
    `db = client[${pyString(input.database)}]`,
    'print(db.command("ping"))',
    "",
  ].join("\n");

  const nodeOptions = [
    "  tls: true,",
    `  tlsCertificateKeyFile: ${jsString(file)},`,
    ...(password ? [`  tlsCertificateKeyFilePassword: ${jsString(password)},`] : []),
    ...(ca ? [`  tlsCAFile: ${jsString(ca)},`] : []),
  ];
  const node = [
    "// npm install mongodb; save as connect.mjs and run: node connect.mjs",
    'import { MongoClient } from "mongodb";',
    "",
    `//${who.slice(1)}`,
    `const client = new MongoClient(${jsString(uri)}, {`,
    ...nodeOptions,
    "});",
    "try {",
    `  const db = client.db(${jsString(input.database)});`,
    "  console.log(await db.command({ ping: 1 }));",
    "} finally {",
    "  await client.close();",
    "}",
    "",
  ].join("\n");

  // mongosh opens the database named in the path.
  const parts = splitUri(uri)!;
  const shellUri = parts.path === "" || parts.path === "/" ? editUri(uri, [{ op: "setPath", path: `/${encodeURIComponent(input.database)}` }]) : uri;
  const mongosh = [
    "mongosh",
    shellWord(shellUri),
    "--tls",
    "--tlsCertificateKeyFile",
    shellWord(file),
    ...(password ? ["--tlsCertificateKeyFilePassword", shellWord(password)] : []),
    ...(ca ? ["--tlsCAFile", shellWord(ca)] : []),
    "--authenticationDatabase",
    shellWord("$external"),
    "--authenticationMechanism",
    "MONGODB-X509",
  ].join(" ");

  return { pymongoKwargs, pymongoUri, node, mongosh };
}
