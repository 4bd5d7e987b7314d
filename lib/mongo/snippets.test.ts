import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import vm from "node:vm";
import { afterAll, describe, expect, it } from "vitest";
import { connectSnippets, mongoshUserCommands, type DatabaseUserCommand } from "./snippets";

// The snippets are checked by the tools that will read them: Python parses and runs the PyMongo
// ones against a stub `pymongo`, Node runs the Node one against a stub `mongodb`, bash splits the
// mongosh line, and mongosh's JavaScript is evaluated with a stub `db`.

const SEED = "mongodb+srv://cluster0.abcde.mongodb.net/?authSource=%24external&authMechanism=MONGODB-X509&retryWrites=true&w=majority&tls=true";
const SUBJECT = 'CN=Doe\\, John,OU=Stations "B",O=Plant';
const NASTY_PASSWORD = `p@ss w+rd=&?"'\\$\`!%`;

const tmp = mkdtempSync(join(tmpdir(), "gatehouse-snippets-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// --- Python ----------------------------------------------------------------------------------
const pyStub = join(tmp, "py");
mkdirSync(join(pyStub, "pymongo"), { recursive: true });
writeFileSync(
  join(pyStub, "pymongo", "__init__.py"),
  `import json, sys
from urllib.parse import unquote_plus
class _Db:
    def command(self, name):
        return {"ok": 1}
class MongoClient:
    def __init__(self, uri, **kwargs):
        # PyMongo's uri_parser: options split on "&", each on "=" (exactly two parts), values unquote_plus'd.
        query = uri.split("?", 1)[1] if "?" in uri else ""
        options = {}
        for pair in query.split("&"):
            key, value = pair.split("=")
            options[key] = unquote_plus(value)
        json.dump({"uri": uri, "kwargs": kwargs, "options": options, "path": uri.split("?", 1)[0]}, sys.stdout)
        sys.stdout.write("\\n")
    def __getitem__(self, name):
        return _Db()
`,
);

function runPython(code: string): { uri: string; kwargs: Record<string, unknown>; options: Record<string, string>; path: string } {
  execFileSync("python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], { input: code });
  const out = execFileSync("python3", ["-"], { input: code, env: { ...process.env, PYTHONPATH: pyStub }, encoding: "utf8" });
  const [json, printed] = out.split("\n");
  expect(printed).toBe("{'ok': 1}");
  return JSON.parse(json!);
}

// --- Node ------------------------------------------------------------------------------------
const nodeDir = join(tmp, "node");
mkdirSync(join(nodeDir, "node_modules", "mongodb"), { recursive: true });
writeFileSync(join(nodeDir, "node_modules", "mongodb", "package.json"), JSON.stringify({ name: "mongodb", type: "module", exports: "./index.js" }));
writeFileSync(
  join(nodeDir, "node_modules", "mongodb", "index.js"),
  `export class MongoClient {
  constructor(uri, options) { this.seen = { uri, options }; }
  db(name) { this.seen.db = name; return { command: async (c) => ({ ok: 1, c }) }; }
  async close() { process.stdout.write(JSON.stringify(this.seen)); }
}
`,
);

function runNode(code: string): { uri: string; options: Record<string, unknown>; db: string } {
  const file = join(nodeDir, "connect.mjs");
  writeFileSync(file, code);
  execFileSync(process.execPath, ["--check", file]);
  const out = execFileSync(process.execPath, [file], { cwd: nodeDir, encoding: "utf8" });
  return JSON.parse(out.slice(out.indexOf('{"uri"')));
}

// --- Shell -----------------------------------------------------------------------------------
function shellArgs(line: string): string[] {
  expect(line.startsWith("mongosh ")).toBe(true);
  const out = execFileSync("bash", ["-c", `printf '%s\\0' ${line.slice("mongosh ".length)}`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

describe("connectSnippets", () => {
  const snippets = connectSnippets({ connectionString: SEED, database: "plant", certificateFileName: "niagara-combined.pem", userName: SUBJECT });

  it("PyMongo, MongoClient arguments: parses and passes exactly the seed's arguments", () => {
    const seen = runPython(snippets.pymongoKwargs);
    expect(seen.uri).toBe(SEED);
    expect(seen.kwargs).toEqual({ tls: true, tlsCertificateKeyFile: "niagara-combined.pem", tlsCertificateKeyFilePassword: "<password>" });
    expect(snippets.pymongoKwargs).toContain(`# Signs in as ${SUBJECT}`);
  });

  it("PyMongo, connection string: the file and the password travel in the URI, percent-encoded", () => {
    const withPassword = connectSnippets({ connectionString: SEED, database: "plant", certificateFileName: "certs/niagara combined+1.pem", userName: SUBJECT, passwordPlaceholder: NASTY_PASSWORD });
    const seen = runPython(withPassword.pymongoUri);
    expect(seen.kwargs).toEqual({});
    expect(seen.options).toMatchObject({ tls: "true", authSource: "$external", authMechanism: "MONGODB-X509", tlsCertificateKeyFile: "certs/niagara combined+1.pem", tlsCertificateKeyFilePassword: NASTY_PASSWORD });
  });

  it("PyMongo, connection string, for a key without password", () => {
    const s = connectSnippets({ connectionString: SEED, database: "plant", certificateFileName: "k.pem", userName: SUBJECT, passwordPlaceholder: "" });
    const seen = runPython(s.pymongoUri);
    expect(seen.options).not.toHaveProperty("tlsCertificateKeyFilePassword");
    expect(s.pymongoUri).not.toContain("quote");
    expect(runPython(s.pymongoKwargs).kwargs).toEqual({ tls: true, tlsCertificateKeyFile: "k.pem" });
  });

  it("PyMongo with the server's CA file, and string literals that survive quotes and backslashes", () => {
    const s = connectSnippets({ connectionString: SEED, database: 'pl"ant\\x', certificateFileName: 'C:\\certs\\"q".pem', userName: `${SUBJECT}\nimport os`, caFileName: "ca.pem", passwordPlaceholder: NASTY_PASSWORD });
    const seen = runPython(s.pymongoKwargs);
    expect(seen.kwargs).toEqual({ tls: true, tlsCertificateKeyFile: 'C:\\certs\\"q".pem', tlsCertificateKeyFilePassword: NASTY_PASSWORD, tlsCAFile: "ca.pem" });
    expect(s.pymongoKwargs).not.toMatch(/^import os/m);
    expect(runPython(s.pymongoUri).options).toMatchObject({ tlsCAFile: "ca.pem", tlsCertificateKeyFile: 'C:\\certs\\"q".pem', tlsCertificateKeyFilePassword: NASTY_PASSWORD });
  });

  it("Node driver: runs as an ES module and passes the certificate options", () => {
    const seen = runNode(snippets.node);
    expect(seen).toEqual({ uri: SEED, options: { tls: true, tlsCertificateKeyFile: "niagara-combined.pem", tlsCertificateKeyFilePassword: "<password>" }, db: "plant" });
  });

  it("mongosh: bash splits the line into exactly the intended arguments", () => {
    expect(shellArgs(snippets.mongosh)).toEqual([
      SEED.replace(".net/?", ".net/plant?"),
      "--tls",
      "--tlsCertificateKeyFile",
      "niagara-combined.pem",
      "--tlsCertificateKeyFilePassword",
      "<password>",
      "--authenticationDatabase",
      "$external",
      "--authenticationMechanism",
      "MONGODB-X509",
    ]);
    expect(snippets.mongosh).toContain("--authenticationDatabase '$external'");
  });

  it("mongosh: quotes file names and passwords with shell characters", () => {
    const s = connectSnippets({ connectionString: SEED, database: "plant", certificateFileName: "my certs/it's.pem", userName: SUBJECT, passwordPlaceholder: NASTY_PASSWORD, caFileName: "~/ca.pem" });
    const args = shellArgs(s.mongosh);
    expect(args.slice(1, 8)).toEqual(["--tls", "--tlsCertificateKeyFile", "my certs/it's.pem", "--tlsCertificateKeyFilePassword", NASTY_PASSWORD, "--tlsCAFile", "~/ca.pem"]);
  });

  it("drops server-side file options from the string and refuses a string unfit for X.509", () => {
    const s = connectSnippets({ connectionString: `${SEED}&tlsCertificateKeyFile=/srv/gatehouse/k.pem`, database: "plant", certificateFileName: "k.pem", userName: SUBJECT });
    expect(runPython(s.pymongoKwargs).uri).toBe(SEED);
    expect(() => connectSnippets({ connectionString: SEED.replace("&authMechanism=MONGODB-X509", "").replace("mongodb+srv://", "mongodb://"), database: "plant", certificateFileName: "k.pem", userName: SUBJECT })).toThrow(
      expect.objectContaining({ code: "VALIDATION" }),
    );
  });
});

describe("mongoshUserCommands", () => {
  function evaluate(command: string): { database: string; command: Record<string, unknown> } {
    let seen: { database: string; command: Record<string, unknown> } | undefined;
    const db = { getSiblingDB: (database: string) => ({ runCommand: (c: Record<string, unknown>) => (seen = { database, command: c }) }) };
    vm.runInNewContext(command, { db, passwordPrompt: () => "<prompted>" });
    return seen!;
  }

  it("writes the exact createUser command for an X.509 user in $external", () => {
    const cmd = mongoshUserCommands({ action: "create", kind: "x509", userName: "CN=niagara,OU=Stations,O=Plant", roles: [{ role: "readWriteAnyDatabase", db: "admin" }] });
    expect(cmd).toBe('db.getSiblingDB("$external").runCommand({ createUser: "CN=niagara,OU=Stations,O=Plant", roles: [{ role: "readWriteAnyDatabase", db: "admin" }] })');
  });

  it("marks the user as Gatehouse's in customData, so a connector that manages users later may change it", () => {
    const cmd = mongoshUserCommands({ action: "create", kind: "x509", userName: "CN=niagara,O=Plant", roles: [], owner: "66a1b2c3d4e5f60718293a4b" });
    expect(evaluate(cmd).command).toEqual({ createUser: "CN=niagara,O=Plant", roles: [], customData: { gatehouseUserId: "66a1b2c3d4e5f60718293a4b" } });
  });

  it.each([
    "CN=Doe\\, John,O=Acme",
    'CN=\\"Quoted\\",O=Acme',
    "CN=J\\C3\\B6hn,O=Acme",
    "CN=back\\\\slash,O=Acme",
    "CN=line\u2028sep</script>,O=Acme",
    "CN=Jöhn ☃,O=Acme",
  ])("keeps the user name %s exactly", (userName) => {
    for (const op of [
      { action: "create", kind: "x509", userName, roles: [{ role: "read", db: "plant" }] },
      { action: "update", kind: "x509", userName, roles: [] },
      { action: "drop", kind: "x509", userName },
    ] as DatabaseUserCommand[]) {
      const seen = evaluate(mongoshUserCommands(op));
      expect(seen.database).toBe("$external");
      expect(Object.values(seen.command)[0]).toBe(userName);
    }
  });

  it("asks mongosh for a password user's password instead of writing it", () => {
    const create = mongoshUserCommands({ action: "create", kind: "password", userName: "app", roles: [{ role: "readWrite", db: "plant" }] });
    expect(create).toBe('db.getSiblingDB("admin").runCommand({ createUser: "app", pwd: passwordPrompt(), roles: [{ role: "readWrite", db: "plant" }] })');
    expect(evaluate(create)).toEqual({ database: "admin", command: { createUser: "app", pwd: "<prompted>", roles: [{ role: "readWrite", db: "plant" }] } });
    expect(evaluate(mongoshUserCommands({ action: "update", kind: "password", userName: "app", changePassword: true }))).toEqual({ database: "admin", command: { updateUser: "app", pwd: "<prompted>" } });
    expect(evaluate(mongoshUserCommands({ action: "drop", kind: "password", userName: "app" }))).toEqual({ database: "admin", command: { dropUser: "app" } });
  });

  it("refuses a password change for an X.509 user and an update that changes nothing", () => {
    expect(() => mongoshUserCommands({ action: "update", kind: "x509", userName: "CN=a", changePassword: true })).toThrow(expect.objectContaining({ code: "VALIDATION" }));
    expect(() => mongoshUserCommands({ action: "update", kind: "password", userName: "app" })).toThrow(expect.objectContaining({ code: "VALIDATION" }));
    expect(() => mongoshUserCommands({ action: "create", kind: "x509", userName: "", roles: [] })).toThrow(expect.objectContaining({ code: "VALIDATION" }));
  });
});
