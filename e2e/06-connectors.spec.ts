import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/a11y";
import { expect, test } from "./support/fixtures";
import { exportCertificateAs } from "./support/keystore";
import { startMongoTestServer, type MongoTestServer } from "./support/mongo-test-server";
import { scratchDir } from "./support/scratch";
import { captureAction, replay } from "./support/server-actions";

// The Niagara seed, steps 2.1/2.2, in the browser: a deployment (the wire-protocol test server,
// as mongod with --tlsCAFile = the project's CA) whose server certificate openssl made; its CA
// imported into the Key Store; the connector with the seed's connection string, the certificate
// alias and its password; Enabled → "Connected as …". Then the faults a user meets. Builds on
// 04-keystore (plant-ca, niagara) and 05-database-access (the X.509 user).
test.describe.configure({ mode: "serial" });

const OPENSSL = process.env.OPENSSL_PATH ?? "openssl";
const dir = scratchDir("gatehouse-e2e-conn-");
const USER = "CN=niagara-station,OU=Stations,O=Plant Ops,C=US";
let server: MongoTestServer;
let createAction: Awaited<ReturnType<typeof captureAction>> | undefined;
let connectorUrl = "";

/** A deployment's own PKI, made by openssl: a CA and a server certificate for localhost / 127.0.0.1. */
function opensslServerPki() {
  const f = (n: string) => join(dir(), n);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  execFileSync(OPENSSL, ["req", "-x509", ...ec, "-keyout", f("db-ca.key"), "-out", f("db-ca.pem"), "-subj", "/O=Plant Ops/CN=Plant DB CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], { stdio: "pipe" });
  execFileSync(OPENSSL, ["req", ...ec, "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/O=Plant DB/CN=localhost"], { stdio: "pipe" });
  writeFileSync(f("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n");
  execFileSync(OPENSSL, ["x509", "-req", "-in", f("server.csr"), "-CA", f("db-ca.pem"), "-CAkey", f("db-ca.key"), "-CAcreateserial", "-out", f("server.pem"), "-days", "10", "-extfile", f("server.ext")], { stdio: "pipe" });
  return { key: readFileSync(f("server.key"), "utf8"), cert: readFileSync(f("server.pem"), "utf8"), caPath: f("db-ca.pem") };
}

// The seed's connection string, pointed at the test deployment.
const seedUri = () => `mongodb://127.0.0.1:${server.port}/?authSource=%24external&authMechanism=MONGODB-X509&tls=true`;

async function newConnector(page: Page, f: { name: string; alias: string; password: string }) {
  await page.getByRole("button", { name: "New Connector" }).click();
  const dialog = page.getByRole("dialog", { name: "New Connector" });
  await dialog.getByLabel("Name", { exact: true }).fill(f.name);
  await dialog.getByLabel("Connection String").fill(seedUri());
  await dialog.getByLabel("Database Name").fill("niagara");
  await dialog.getByLabel("Authentication Scheme").selectOption({ label: "Client Certificate Authentication" });
  await dialog.getByLabel("Certificate Alias").selectOption(f.alias);
  await dialog.getByLabel("Certificate Password").fill(f.password);
  await dialog.getByLabel("Trusted CA for the server's certificate").selectOption("plant-db-ca");
  return dialog;
}

let serverPki: ReturnType<typeof opensslServerPki>;
test.beforeAll(() => {
  serverPki = opensslServerPki();
});

test.afterAll(async () => {
  await server?.close();
});

test("2.1 a connector with Client Certificate Authentication connects and says who it is connected as", async ({ ownerPage: page, state }) => {
  // The deployment trusts the project's CA for client certificates, and its admin has run the
  // mongosh commands Database Access showed (05): the X.509 user exists in $external.
  const clientCa = join(dir(), "plant-ca.pem");
  await exportCertificateAs(page, state.projectId, "plant-ca", clientCa);
  server = await startMongoTestServer({ tls: { key: serverPki.key, cert: serverPki.cert, ca: readFileSync(clientCa, "utf8") }, version: "7.0.14" });
  server.users.add({ db: "$external", user: USER, roles: [{ role: "readWriteAnyDatabase", db: "admin" }] });

  // The deployment's own CA (openssl-made) goes into the Key Store, to trust its server certificate.
  await page.goto(`/projects/${state.projectId}/keystore`);
  await page.getByRole("button", { name: "Import" }).click();
  const imp = page.getByRole("dialog", { name: "Import into the Key Store" });
  await imp.getByLabel("What to import").selectOption("certificate");
  await imp.getByLabel("Certificate file").setInputFiles(serverPki.caPath);
  await imp.getByLabel("Alias").fill("plant-db-ca");
  await imp.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("link", { name: "plant-db-ca", exact: true })).toBeVisible();

  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Connectors" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Connectors" })).toBeVisible();
  const dialog = await newConnector(page, { name: "Niagara", alias: "niagara", password: "client-password-1" });
  createAction = await captureAction(page, () => dialog.getByRole("button", { name: "Save" }).click());
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  const table = page.getByRole("table", { name: "Connectors" });
  await expect(table).toContainText(`Connected as ${USER}`);

  await table.getByRole("link", { name: "Niagara" }).click();
  await expect(page).toHaveURL(/\/connectors\/[0-9a-f]{24}$/);
  connectorUrl = page.url();
  const status = page.getByTestId("connector-status");
  await expect(status).toContainText(`Connected as ${USER} (roles readWriteAnyDatabase@admin) — MongoDB 7.0.14`);
  await expect(page.getByRole("table", { name: "Status history" })).toContainText("enable");
  // "Connect": the seed's PyMongo forms, ready to paste, naming the combined PEM.
  await expect(page.getByLabel("PyMongo", { exact: true })).toContainText('tlsCertificateKeyFile="niagara-combined.pem"');
  await expect(page.getByLabel("PyMongo", { exact: true })).toContainText("tlsCertificateKeyFilePassword=");
  await expect(page.getByLabel("mongosh")).toContainText("--authenticationMechanism MONGODB-X509");
  expect(server.commands.some((c) => c.name === "connectionStatus" && c.user === USER)).toBe(true);
  await expectNoSeriousA11yViolations(page, "connector");
});

test("the combined PEM downloads from the connector and opens with its password (openssl)", async ({ ownerPage: page }) => {
  await page.goto(connectorUrl);
  await page.getByRole("button", { name: "Download combined PEM" }).click();
  const dialog = page.getByRole("dialog", { name: 'Export "niagara" with its private key' });
  await dialog.getByLabel("Entry password").fill("client-password-1");
  await dialog.getByLabel("Export password", { exact: true }).fill("driver-password");
  await dialog.getByLabel("Confirm export password").fill("driver-password");
  const [download] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("button", { name: "Export" }).click()]);
  expect(download.suggestedFilename()).toBe("niagara-combined.pem");
  const path = join(dir(), "niagara-combined.pem");
  await download.saveAs(path);
  execFileSync(OPENSSL, ["pkey", "-in", path, "-passin", "pass:driver-password", "-noout"]);
  expect(execFileSync(OPENSSL, ["x509", "-in", path, "-noout", "-subject", "-nameopt", "RFC2253"]).toString().trim()).toBe(`subject=${USER}`);
});

test("Disable stops it; the server going away is a TCP fault; Enable connects again", async ({ ownerPage: page }) => {
  await page.goto(connectorUrl);
  await page.getByRole("button", { name: "Disable" }).click();
  await expect(page.getByTestId("connector-status")).toContainText("Disabled");
  await server.stop();
  await page.getByRole("button", { name: "Enable" }).click();
  await expect(page.getByTestId("connector-status")).toContainText("Fault — TCP connect", { timeout: 20_000 });
  await server.start();
  await page.getByRole("button", { name: "Check now" }).click();
  await expect(page.getByTestId("connector-status")).toContainText(`Connected as ${USER}`, { timeout: 20_000 });
});

test("a wrong certificate password is refused at the field, before any connection", async ({ ownerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}/connectors`);
  const before = server.connectionCount();
  const dialog = await newConnector(page, { name: "Wrong password", alias: "niagara", password: "not-the-password" });
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByLabel("Certificate Password")).toHaveAccessibleDescription(/The password is wrong/);
  expect(server.connectionCount()).toBe(before);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(page.getByRole("table", { name: "Connectors" })).not.toContainText("Wrong password");
});

test("a certificate whose subject has no database user faults at authentication, and the link pre-fills Database Access", async ({ ownerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}/keystore`);
  await page.getByRole("button", { name: "New", exact: true }).click();
  const nd = page.getByRole("dialog", { name: "New certificate" });
  await nd.getByLabel("Alias").fill("line-7");
  await nd.getByLabel("Certificate Usage").selectOption("Client");
  await nd.getByLabel("Key Algorithm").selectOption("EC-P-256");
  await nd.getByLabel("Common Name").fill("line-7");
  await nd.getByRole("textbox", { name: "Organization", exact: true }).fill("Plant Ops");
  await nd.getByLabel("Signed by").selectOption("plant-ca");
  await nd.getByLabel("CA password").fill("ca-password-1");
  await nd.getByLabel("Password", { exact: true }).fill("line-7-password");
  await nd.getByLabel("Confirm password").fill("line-7-password");
  await nd.getByRole("button", { name: "OK" }).click();
  await expect(nd).toBeHidden();

  await page.goto(`/projects/${state.projectId}/connectors`);
  const dialog = await newConnector(page, { name: "Line 7", alias: "line-7", password: "line-7-password" });
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  await page.getByRole("table", { name: "Connectors" }).getByRole("link", { name: "Line 7" }).click();
  const status = page.getByTestId("connector-status");
  await expect(status).toContainText("Fault — authentication: no database user has the name CN=line-7,O=Plant Ops in $external — add it in Database Access");
  await status.getByRole("link", { name: "Add CN=line-7,O=Plant Ops in Database Access" }).click();
  await page.getByRole("button", { name: "Add New Database User" }).click();
  const add = page.getByRole("dialog", { name: "Add New Database User" });
  await expect(add.getByLabel("Authentication Method")).toHaveValue("X509");
  await expect(add.getByLabel("User name (RFC 2253 subject)")).toHaveValue("CN=line-7,O=Plant Ops");
});

test("Project Read Only sees connectors and their status but cannot create or change one (404 on the direct action)", async ({ readerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}/connectors`);
  await expect(page.getByRole("table", { name: "Connectors" })).toContainText(`Connected as ${USER}`);
  await expect(page.getByRole("button", { name: "New Connector" })).toHaveCount(0);
  await page.goto(connectorUrl);
  await expect(page.getByTestId("connector-status")).toContainText("Connected as");
  for (const name of ["Enable", "Disable", "Check now", "Edit", "Delete", "Download combined PEM"]) await expect(page.getByRole("button", { name })).toHaveCount(0);
  const res = await replay(page.request, createAction!);
  expect(res.status()).toBe(404);
});
