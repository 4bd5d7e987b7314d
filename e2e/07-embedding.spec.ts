import { exportPKCS8, exportSPKI, generateKeyPair, SignJWT } from "jose";
import { expectNoSeriousA11yViolations } from "./support/a11y";
import { expect, test } from "./support/fixtures";
import { captureAction, replay } from "./support/server-actions";
import { signEmbedQuery } from "../lib/embedding/signed-url";

// The seed's workflow: Development › Embedding › Authentication Settings, for Project Owners —
// add a Custom JWT provider, see which tokens it admits (and the Charts error code of the rule
// that refuses the others), edit it, delete it; generate the deprecated embedding key and see a
// new one invalidate URLs signed with the old. A Project Read Only member gets the note instead,
// no controls, and 404 on a direct action.
test.describe.configure({ mode: "serial" });

const SECRET = "e2e-shared-secret-of-at-least-32-characters";
const enc = new TextEncoder();
const token = (claims: Record<string, unknown>, secret = SECRET) => {
  const s = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: "viewer-7", iat: s - 30, exp: s + 600, ...claims }).setProtectedHeader({ alg: "HS256" }).sign(enc.encode(secret));
};
let createAction: Awaited<ReturnType<typeof captureAction>> | undefined;

async function checkToken(page: import("@playwright/test").Page, jwt: string) {
  const form = page.getByRole("form", { name: "Viewer token (JWT)" });
  await form.getByLabel("Viewer token (JWT)").fill(jwt);
  await form.getByRole("button", { name: "Check token" }).click();
  return page.getByRole("status").filter({ hasText: /Accepted|Refused/ });
}

test("a Project Owner adds a Custom JWT provider under Authentication Settings and tests tokens against it", async ({ ownerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}`);
  const nav = page.getByRole("navigation", { name: "Sections" });
  await nav.getByRole("link", { name: "Embedding" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Embedding" })).toBeVisible();
  await page.getByRole("navigation", { name: "Embedding views" }).getByRole("link", { name: "Authentication Settings" }).click();
  await expect(page.getByRole("heading", { name: "Authentication providers", exact: true })).toBeVisible();

  // No provider yet: a token is refused with Charts' error 11.
  await expect(await checkToken(page, await token({}))).toContainText("error 11");

  await page.getByRole("button", { name: "Add", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Add an authentication provider" });
  await dialog.getByLabel("Name").fill("Storefront");
  await dialog.getByLabel("Provider").selectOption("custom-jwt");
  await dialog.getByLabel("Signing Algorithm").selectOption("HS256");
  // A short secret is refused next to its field, and nothing is added.
  await dialog.getByLabel("Signing Key").fill("too-short");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByLabel("Signing Key")).toHaveAccessibleDescription(/use a random one of at least 32/);
  await dialog.getByLabel("Signing Key").fill(SECRET);
  await dialog.getByLabel("Audience (Optional)").fill("storefront");
  createAction = await captureAction(page, () => dialog.getByRole("button", { name: "Save" }).click());
  await expect(dialog).toBeHidden();
  const table = page.getByRole("table", { name: "Authentication providers" });
  await expect(table.getByRole("row").filter({ hasText: "Storefront" })).toContainText("HS256 with a shared secret; audience \"storefront\"");
  await expect(page.getByRole("main")).not.toContainText(SECRET);
  await expectNoSeriousA11yViolations(page, "authentication settings");

  await expect(await checkToken(page, await token({ aud: "storefront" }))).toContainText("Accepted by Storefront");
  await expect(await checkToken(page, await token({ aud: "elsewhere" }))).toContainText("error 16");
  await expect(await checkToken(page, await token({ aud: "storefront", exp: Math.floor(Date.now() / 1000) + 30 * 3600 }))).toContainText("error 15");
  await expect(await checkToken(page, await token({ aud: "storefront" }, "a-different-secret-that-is-also-long-enough"))).toContainText("error 10");

  // Edit: drop the audience, keep the stored secret by leaving it blank.
  await table.getByRole("row").filter({ hasText: "Storefront" }).getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: 'Edit provider "Storefront"' });
  await expect(edit.getByText("Leave blank to keep the stored secret.")).toBeVisible();
  await edit.getByLabel("Audience (Optional)").fill("");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  await expect(await checkToken(page, await token({ aud: "elsewhere" }))).toContainText("Accepted by Storefront");

  // A second provider, RS256 with a PEM public key: its tokens are admitted by it, not by Storefront.
  const pair = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  await page.getByRole("button", { name: "Add", exact: true }).click();
  const add = page.getByRole("dialog", { name: "Add an authentication provider" });
  await add.getByLabel("Name").fill("Partner portal");
  await add.getByLabel("Signing Algorithm").selectOption("RS256");
  await add.getByLabel("Signing Key").selectOption("pem");
  await add.getByLabel("PEM Public Key").fill(await exportPKCS8(pair.privateKey));
  await add.getByRole("button", { name: "Save" }).click();
  await expect(add.getByLabel("PEM Public Key")).toHaveAccessibleDescription(/private key/);
  await add.getByLabel("PEM Public Key").fill(await exportSPKI(pair.publicKey));
  await add.getByRole("button", { name: "Save" }).click();
  await expect(add).toBeHidden();
  await expect(table.getByRole("row").filter({ hasText: "Partner portal" })).toContainText("RS256, PEM Public Key");
  const s = Math.floor(Date.now() / 1000);
  const rs = await new SignJWT({ sub: "partner-1", iat: s - 30, exp: s + 600 }).setProtectedHeader({ alg: "RS256" }).sign(pair.privateKey);
  await expect(await checkToken(page, rs)).toContainText("Accepted by Partner portal");
  await table.getByRole("row").filter({ hasText: "Partner portal" }).getByRole("button", { name: "Delete" }).click();
  const del = page.getByRole("dialog", { name: 'Delete provider "Partner portal"' });
  await del.getByLabel('Type "Partner portal" to confirm').fill("Partner portal");
  await del.getByRole("button", { name: "Delete provider" }).click();
  await expect(del).toBeHidden();
  await expect(await checkToken(page, rs)).toContainText("error 10");
});

test("the embedding key is shown once; a new key invalidates URLs signed with the old one", async ({ ownerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}/embedding?tab=authentication`);
  const generate = async () => {
    await page.getByRole("button", { name: "Generate New Key" }).click();
    const dialog = page.getByRole("dialog", { name: "Generate a new embedding key" });
    await dialog.getByRole("button", { name: "Generate New Key" }).click();
    await expect(dialog.getByText("It will not be shown again")).toBeVisible();
    const key = (await dialog.getByTestId("embedding-key").textContent())!.trim();
    await dialog.getByRole("button", { name: "Close" }).click();
    return key;
  };
  const checkUrl = async (key: string) => {
    const url = `https://shop.example.com/embed/charts?${signEmbedQuery(key, { id: "sales-by-region", timestamp: Math.floor(Date.now() / 1000), expiresIn: 300 })}`;
    const form = page.getByRole("form", { name: "Signed URL" });
    await form.getByLabel("Signed URL").fill(url);
    await form.getByRole("button", { name: "Check URL" }).click();
    return page.getByRole("status").filter({ hasText: /Accepted|Refused/ });
  };
  const first = await generate();
  expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await expect(page.getByRole("main")).not.toContainText(first);
  // Reopened, the dialog asks again (it does not show the key a second time); closing it generates nothing.
  await page.getByRole("button", { name: "Generate New Key" }).click();
  const again = page.getByRole("dialog", { name: "Generate a new embedding key" });
  await expect(again).toContainText("The current key stops working at once");
  await expect(again.getByText(first)).toHaveCount(0);
  await again.getByRole("button", { name: "Close" }).click();
  await expect(await checkUrl(first)).toContainText("Accepted");
  const second = await generate();
  await expect(await checkUrl(first)).toContainText("error 5");
  await expect(await checkUrl(second)).toContainText("Accepted");
});

test("a Project Read Only member sees the note, no Authentication Settings, and 404 on a direct action", async ({ readerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}/embedding?tab=authentication`);
  await expect(page.getByRole("note")).toContainText("You must be a Project Owner to access the Authentication Settings page");
  await expect(page.getByRole("button", { name: "Add", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Generate New Key" })).toHaveCount(0);
  await expect(page.getByRole("main")).not.toContainText("Storefront");
  expect((await replay(page.request, createAction!)).status()).toBe(404);
});

test("deleting the provider stops its tokens at once", async ({ ownerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}/embedding?tab=authentication`);
  await page.getByRole("table", { name: "Authentication providers" }).getByRole("row").filter({ hasText: "Storefront" }).getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog", { name: 'Delete provider "Storefront"' });
  await expect(dialog).toContainText("all embedded charts that it authenticated no longer render");
  await dialog.getByLabel('Type "Storefront" to confirm').fill("Storefront");
  await dialog.getByRole("button", { name: "Delete provider" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("No authentication providers")).toBeVisible();
  await expect(await checkToken(page, await token({}))).toContainText("error 11");
});
