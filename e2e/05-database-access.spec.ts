import { join } from "node:path";
import { expectNoSeriousA11yViolations } from "./support/a11y";
import { expect, test } from "./support/fixtures";
import { exportCertificateAs } from "./support/keystore";
import { scratchDir } from "./support/scratch";
import { captureAction, replay } from "./support/server-actions";

// The Niagara seed, steps 1.2 and 1.4: upload the CA in Security › Advanced (Self-managed X.509
// Authentication, the pencil), then add the database user whose name is the Client certificate's
// RFC 2253 subject, picked from the Key Store. Builds on 04-keystore (plant-ca, niagara).
test.describe.configure({ mode: "serial" });

const dir = scratchDir("gatehouse-e2e-dba-");
const USER = "CN=niagara-station,OU=Stations,O=Plant Ops,C=US";
let addUser: Awaited<ReturnType<typeof captureAction>> | undefined;

test("1.2 upload the CA exported from the Key Store in Security › Advanced", async ({ ownerPage: page, state }) => {
  const caPath = join(dir(), "plant-ca.pem");
  await exportCertificateAs(page, state.projectId, "plant-ca", caPath);

  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Advanced" }).click();
  await expect(page.getByTestId("x509-status")).toHaveText("Off");
  await page.getByRole("button", { name: "Edit" }).click();
  const dialog = page.getByRole("dialog", { name: "Self-managed X.509 Authentication" });
  await dialog.getByLabel("Certificate Authority (PEM)").setInputFiles(caPath);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("x509-status")).toHaveText("On");
  await expect(page.getByRole("table", { name: "Trusted Certificate Authorities" })).toContainText("CN=Plant CA,O=Plant Ops,C=US");
  await expectNoSeriousA11yViolations(page, "security advanced");
});

test("1.4 add the Certificate database user by picking the Client certificate", async ({ ownerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}/database-access`);
  await page.getByRole("button", { name: "Add New Database User" }).click();
  const dialog = page.getByRole("dialog", { name: "Add New Database User" });
  await dialog.getByLabel("Authentication Method").selectOption("X509");
  await dialog.getByLabel("Client certificate from the Key Store").selectOption({ label: `niagara — ${USER}` });
  await expect(dialog.getByLabel("User name (RFC 2253 subject)")).toHaveValue(USER);
  await dialog.getByLabel("readWriteAnyDatabase").check();
  addUser = await captureAction(page, () => dialog.getByRole("button", { name: "Add User" }).click());
  const users = page.getByRole("table", { name: "Database users" });
  await expect(users).toContainText(USER);
  await expect(users).toContainText("Certificate");
  await expect(users).toContainText("readWriteAnyDatabase");
  await expect(page.getByTestId("mongosh-commands")).toContainText(`createUser: "${USER}"`);
  await expectNoSeriousA11yViolations(page, "database access");
});

test("a name that is not a DN is refused at the field, and so is the same user twice", async ({ ownerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}/database-access`);
  await page.getByRole("button", { name: "Add New Database User" }).click();
  const dialog = page.getByRole("dialog", { name: "Add New Database User" });
  await dialog.getByLabel("Authentication Method").selectOption("X509");
  const name = dialog.getByLabel("User name (RFC 2253 subject)");
  await name.fill("niagara-station");
  await dialog.getByLabel("readAnyDatabase").check();
  await dialog.getByRole("button", { name: "Add User" }).click();
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await name.fill(USER);
  await dialog.getByRole("button", { name: "Add User" }).click();
  await expect(name).toHaveAccessibleDescription(/already exists/);
});

test("Project Read Only sees the users and the CA but cannot change them (404 on the direct action)", async ({ readerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}/database-access`);
  await expect(page.getByRole("table", { name: "Database users" })).toContainText(USER);
  await expect(page.getByRole("button", { name: "Add New Database User" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Edit" })).toHaveCount(0);
  const res = await replay(page.request, addUser!);
  expect(res.status()).toBe(404);
  await page.goto(`/projects/${state.projectId}/security/advanced`);
  await expect(page.getByTestId("x509-status")).toHaveText("On");
  await expect(page.getByRole("button", { name: "Edit" })).toHaveCount(0);
});

