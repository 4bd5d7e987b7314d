import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Download, Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/a11y";
import { expect, test } from "./support/fixtures";
import { exportCertificateAs } from "./support/keystore";
import { scratchDir } from "./support/scratch";
import { captureAction, replay } from "./support/server-actions";

// The Niagara seed, steps 1.1 and 1.3, in the browser and in the seed's words: create a CA
// ("New", Certificate Usage CA), create a Client certificate, "Cert Request", sign the .csr in the
// "Certificate Signer" with the CA alias and its password, "Import" the .pem → green shield,
// then "Export" with the private key. Then a Project Read Only user: sees, cannot change.
test.describe.configure({ mode: "serial" });

const OPENSSL = process.env.OPENSSL_PATH ?? "openssl";
const dir = scratchDir("gatehouse-e2e-ks-");
let clientUrl = "";
let exportAction: Awaited<ReturnType<typeof captureAction>> | undefined;

async function newCertificate(page: Page, f: { alias: string; usage: string; cn: string; password: string; org?: string; ou?: string }) {
  await page.getByRole("button", { name: "New", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "New certificate" });
  await dialog.getByLabel("Alias").fill(f.alias);
  await dialog.getByLabel("Certificate Usage").selectOption(f.usage);
  await dialog.getByLabel("Key Algorithm").selectOption("EC-P-256");
  await dialog.getByLabel("Common Name").fill(f.cn);
  if (f.org) await dialog.getByRole("textbox", { name: "Organization", exact: true }).fill(f.org);
  if (f.ou) await dialog.getByLabel("Organizational Unit").fill(f.ou);
  await dialog.getByLabel("Country").fill("US");
  await dialog.getByLabel("Password", { exact: true }).fill(f.password);
  await dialog.getByLabel("Confirm password").fill(f.password);
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("link", { name: f.alias, exact: true })).toBeVisible();
}

test("1.1 create the CA and 1.3 the Client certificate in the User Key Store", async ({ ownerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}`);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Key Store" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "User Key Store" })).toBeVisible();
  await expect(page.getByText("The Key Store is empty")).toBeVisible();
  await expectNoSeriousA11yViolations(page, "key store (empty)");

  await newCertificate(page, { alias: "plant-ca", usage: "CA", cn: "Plant CA", password: "ca-password-1", org: "Plant Ops" });
  await newCertificate(page, { alias: "niagara", usage: "Client", cn: "niagara-station", password: "client-password-1", org: "Plant Ops", ou: "Stations" });
  const rows = page.getByRole("table", { name: "Key Store entries" });
  await expect(rows.getByRole("row", { name: /plant-ca/ }).locator("[data-shield]")).toHaveAttribute("data-shield", "green");
  await expect(rows.getByRole("row", { name: /niagara/ }).locator("[data-shield]")).toHaveAttribute("data-shield", "yellow");
  await expectNoSeriousA11yViolations(page, "key store");
});

test("Cert Request → Certificate Signer → Import → the green shield", async ({ ownerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}/keystore`);
  await page.getByRole("link", { name: "niagara", exact: true }).click();
  await page.waitForURL(/\/keystore\/[0-9a-f]{24}$/);
  clientUrl = page.url();
  await expect(page.getByTestId("mongodb-user-name")).toHaveText("CN=niagara-station,OU=Stations,O=Plant Ops,C=US");

  await page.getByRole("button", { name: "Cert Request" }).click();
  const csrDialog = page.getByRole("dialog", { name: "Certificate signing request" });
  await csrDialog.getByLabel("Entry password").fill("wrong-password");
  await csrDialog.getByRole("button", { name: "OK" }).click();
  await expect(csrDialog.getByLabel("Entry password")).toHaveAccessibleDescription(/The password is wrong/);
  await csrDialog.getByLabel("Entry password").fill("client-password-1");
  const [csr] = await Promise.all([page.waitForEvent("download"), csrDialog.getByRole("button", { name: "OK" }).click()]);
  expect(csr.suggestedFilename()).toBe("niagara.csr");
  const csrPath = join(dir(), "niagara.csr");
  await csr.saveAs(csrPath);
  execFileSync(OPENSSL, ["req", "-in", csrPath, "-noout", "-verify"], { stdio: "pipe" });

  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Certificate Signer" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Certificate Signer Tool" })).toBeVisible();
  await expectNoSeriousA11yViolations(page, "certificate signer");
  const form = page.getByRole("form", { name: "Sign a certificate request" });
  await form.getByLabel("Request file (.csr)").setInputFiles(csrPath);
  // The signer checks the request before signing and shows what it asks for.
  const request = form.getByRole("definition").filter({ hasText: "CN=niagara-station" });
  await expect(request).toHaveText("CN=niagara-station,OU=Stations,O=Plant Ops,C=US");
  await expect(form.getByText("verifies (the requester holds the key)")).toBeVisible();
  await form.getByLabel("CA alias").selectOption("plant-ca");
  await form.getByLabel("CA password").fill("ca-password-1");
  const [pem] = await Promise.all([page.waitForEvent("download"), form.getByRole("button", { name: "Sign", exact: true }).click()]);
  expect(pem.suggestedFilename()).toBe("niagara-station.pem");
  const pemPath = join(dir(), "niagara-station.pem");
  await pem.saveAs(pemPath);

  await page.getByRole("button", { name: "Import into Key Store" }).click();
  await expect(page).toHaveURL(clientUrl);
  await expect(page.locator("[data-shield]").first()).toHaveAttribute("data-shield", "green");
  await expect(page.getByRole("list", { name: /Certificate chain/ })).toContainText("plant-ca");
  // openssl agrees with the shield and with the MongoDB user name.
  const caPath = join(dir(), "plant-ca.pem");
  await exportCertificateAs(page, state.projectId, "plant-ca", caPath);
  expect(execFileSync(OPENSSL, ["verify", "-CAfile", caPath, pemPath]).toString()).toContain("OK");
  expect(execFileSync(OPENSSL, ["x509", "-in", pemPath, "-noout", "-subject", "-nameopt", "RFC2253"]).toString().trim()).toBe("subject=CN=niagara-station,OU=Stations,O=Plant Ops,C=US");
});

test("export with the private key: the PEM for MongoDB drivers opens with its password", async ({ ownerPage: page }) => {
  await page.goto(clientUrl);
  await page.getByRole("button", { name: "Export with private key" }).click();
  const dialog = page.getByRole("dialog", { name: 'Export "niagara" with its private key' });
  await dialog.getByLabel("Entry password").fill("client-password-1");
  await dialog.getByLabel("Export password", { exact: true }).fill("driver-password");
  await dialog.getByLabel("Confirm export password").fill("driver-password");
  let download: Download | undefined;
  exportAction = await captureAction(page, async () => {
    [download] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("button", { name: "Export", exact: true }).click()]);
  });
  const path = join(dir(), "combined.pem");
  await download!.saveAs(path);
  const text = readFileSync(path, "utf8");
  expect(text).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  expect(text.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  execFileSync(OPENSSL, ["pkey", "-in", path, "-passin", "pass:driver-password", "-noout"]);
});

test("a Project Read Only user sees the Key Store and the inventory, but no New/Import/Export with key/Sign, and gets 404 on the direct action", async ({ readerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}/keystore`);
  await expect(page.getByRole("link", { name: "niagara", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "New", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Import" })).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Certificate Signer" })).toHaveCount(0);
  await page.getByRole("link", { name: "niagara", exact: true }).click();
  await expect(page.getByRole("button", { name: "Export", exact: true })).toBeVisible();
  for (const name of ["Export with private key", "Cert Request", "Rename", "Delete"]) await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  expect((await page.goto(`/projects/${state.projectId}/signer`))?.status()).toBe(403);
  // The owner's "Export with private key" request, replayed with Rita's cookies.
  const res = await replay(page.request, exportAction!);
  expect(res.status()).toBe(404);
  expect(await res.text()).not.toContain("PRIVATE KEY");
  await page.goto(`/projects/${state.projectId}/keystore/inventory`);
  await expect(page.getByRole("heading", { level: 1, name: "Certificate inventory" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Certificate inventory" })).toContainText("plant-ca");
  await expectNoSeriousA11yViolations(page, "inventory");
});

test("the audit trail names who exported which key", async ({ ownerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}/audit?action=keystore.key_exported`);
  const events = page.getByRole("table", { name: "Audit events" });
  await expect(events.getByRole("cell", { name: "keystore.key_exported", exact: true })).toHaveCount(1);
  await page.goto(`/projects/${state.projectId}/audit?action=authz.denied`);
  await expect(page.getByRole("table", { name: "Audit events" }).getByRole("cell", { name: /rita/ }).first()).toBeVisible();
});

