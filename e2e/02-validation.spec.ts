import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { submitAndWait } from "./support/server-actions";
import { ORG_NAME, OWNER, PROJECT_NAME, READER, SECOND_PROJECT_NAME } from "./support/state";

// Bad input and conflicts, the way a user meets them: every form answers on the server and puts
// the message next to the field it is about (the field's accessible description, aria-invalid).

async function expectFieldError(field: Locator, message: string | RegExp) {
  await expect(field).toHaveAccessibleDescription(message);
  await expect(field).toHaveAttribute("aria-invalid", "true");
}

const INVALID_LOGIN = "The email address or password is not correct.";

test.describe("sign-in", () => {
  test("empty fields are named; a wrong password and an unknown email get the same generic message", async ({ page }) => {
    await page.goto("/login");
    const form = page.getByRole("form", { name: "Sign in" });
    await form.getByRole("button", { name: "Sign in" }).click();
    await expectFieldError(form.getByLabel("Email"), "Enter your email address.");
    await expectFieldError(form.getByLabel("Password"), "Enter your password.");

    await form.getByLabel("Email").fill(OWNER.email);
    await form.getByLabel("Password").fill("wrong-password-123");
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect(form.getByRole("alert")).toHaveText(INVALID_LOGIN);
    // The answer does not say which of the two was wrong.
    await expect(form.getByLabel("Email")).not.toHaveAttribute("aria-invalid", "true");

    await form.getByLabel("Email").fill("nobody@example.com");
    await submitAndWait(page, () => form.getByRole("button", { name: "Sign in" }).click());
    await expect(form.getByRole("alert")).toHaveText(INVALID_LOGIN);
    await expect(page).toHaveURL(/\/login$/);
  });

  test("after five failures for one email even the right password is refused for a while", async ({ page, ownerPage, state }) => {
    // An account of its own, so the lock does not get in the way of the other specs.
    const tom = { name: "Tom Throttle", email: "tom.throttle@example.com", password: "toms-initial-password" };
    await ownerPage.goto(`/orgs/${state.orgId}/access`);
    await ownerPage.getByRole("button", { name: "Add User" }).click();
    const dialog = ownerPage.getByRole("dialog", { name: "Add a user to this organization" });
    await dialog.getByLabel("Name", { exact: true }).fill(tom.name);
    await dialog.getByLabel("Email").fill(tom.email);
    await dialog.getByLabel("Initial password").fill(tom.password);
    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await expect(ownerPage.getByRole("table", { name: "Organization users" })).toContainText(tom.email);

    await page.goto("/login");
    const form = page.getByRole("form", { name: "Sign in" });
    await form.getByLabel("Email").fill(tom.email);
    for (let i = 1; i <= 5; i++) {
      await form.getByLabel("Password").fill(`wrong-password-${i}`);
      await submitAndWait(page, () => form.getByRole("button", { name: "Sign in" }).click());
      await expect(form.getByRole("alert")).toHaveText(INVALID_LOGIN);
    }
    await form.getByLabel("Password").fill(tom.password);
    await submitAndWait(page, () => form.getByRole("button", { name: "Sign in" }).click());
    await expect(form.getByRole("alert")).toHaveText(/^Too many failed sign-in attempts\. Try again in \d+ minutes?\.$/);
    await expect(page).toHaveURL(/\/login$/);
  });
});

test("signing out ends the session: the console asks to sign in again", async ({ page }) => {
  // A session of its own: signing out the saved owner session would break the specs after this.
  await page.goto("/login");
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Email").fill(OWNER.email);
  await form.getByLabel("Password").fill(OWNER.password);
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("banner")).toContainText(`Signed in as ${OWNER.name}`);

  await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/orgs");
  await expect(page).toHaveURL(/\/login$/);
});

test.describe("adding a user", () => {
  async function openAddUser(page: Page, orgId: string) {
    await page.goto(`/orgs/${orgId}/access`);
    await page.getByRole("button", { name: "Add User" }).click();
    return page.getByRole("dialog", { name: "Add a user to this organization" });
  }

  test("a short initial password, a malformed email, no role and an existing member are each explained at the field", async ({ ownerPage: page, state }) => {
    const dialog = await openAddUser(page, state.orgId);
    const add = dialog.getByRole("button", { name: "Add", exact: true });
    await dialog.getByLabel("Name", { exact: true }).fill("Sam Short");
    await dialog.getByLabel("Email").fill("sam.short@example");
    await dialog.getByLabel("Initial password").fill("short");
    await dialog.getByRole("checkbox", { name: "Organization Member" }).uncheck();
    await add.click();
    await expectFieldError(dialog.getByLabel("Initial password"), "Use at least 12 characters.");
    await expectFieldError(dialog.getByLabel("Email"), "Enter an email address such as ada@example.com.");
    await expect(dialog.getByRole("group", { name: "Organization roles" })).toHaveAccessibleDescription("Choose at least one organization role.");
    await expect(dialog).toBeVisible();

    await dialog.getByLabel("Name", { exact: true }).fill(READER.name);
    await dialog.getByLabel("Email").fill(READER.email);
    await dialog.getByLabel("Initial password").fill("another-initial-password");
    await dialog.getByRole("checkbox", { name: "Organization Member" }).check();
    await add.click();
    await expectFieldError(dialog.getByLabel("Email"), "This user is already a member of the organization.");
    await expect(dialog.getByRole("alert")).toHaveText("This user is already a member of the organization.");

    // Nobody was added, and Rita is listed once.
    await page.reload();
    const users = page.getByRole("table", { name: "Organization users" });
    await expect(users.getByRole("row").filter({ hasText: READER.email })).toHaveCount(1);
    await expect(users.getByRole("row").filter({ hasText: "sam.short" })).toHaveCount(0);
  });
});

test.describe("changing a password", () => {
  test("a short new password and a mismatched confirmation are explained at the field", async ({ ownerPage: page }) => {
    await page.goto("/");
    await page.getByRole("banner").getByRole("link", { name: "Change password" }).click();
    await expect(page.getByRole("heading", { name: "Change your password" })).toBeVisible();
    const form = page.getByRole("form", { name: "Change password" });
    const submit = form.getByRole("button", { name: "Change password" });

    await form.getByLabel("Current password").fill(OWNER.password);
    await form.getByLabel("New password", { exact: true }).fill("short");
    await form.getByLabel("Confirm new password").fill("short");
    await submit.click();
    await expectFieldError(form.getByLabel("New password", { exact: true }), "Use at least 12 characters.");

    await form.getByLabel("New password", { exact: true }).fill("a-brand-new-password");
    await form.getByLabel("Confirm new password").fill("a-brand-new-passwort");
    await submit.click();
    await expectFieldError(form.getByLabel("Confirm new password"), "The passwords do not match.");

    await form.getByLabel("Current password").fill("not-my-current-password");
    await form.getByLabel("Confirm new password").fill("a-brand-new-password");
    await submit.click();
    await expectFieldError(form.getByLabel("Current password"), "The current password is not correct.");
    // The owner's password (and the saved session) is unchanged: the console still opens.
    await page.goto("/");
    await expect(page.getByRole("banner")).toContainText(`Signed in as ${OWNER.name}`);
  });
});

test.describe("names", () => {
  test("a project name already used in the organization is a conflict at the field", async ({ ownerPage: page, state }) => {
    await page.goto(`/orgs/${state.orgId}`);
    await page.getByRole("button", { name: "New Project" }).click();
    const dialog = page.getByRole("dialog", { name: "Create a project" });
    await dialog.getByLabel("Project name").fill(PROJECT_NAME);
    await dialog.getByRole("button", { name: "Create project" }).click();
    await expectFieldError(dialog.getByLabel("Project name"), `A project named "${PROJECT_NAME}" already exists in this organization. Choose another name.`);
    await expect(page).toHaveURL(`/orgs/${state.orgId}`);

    // Renaming the second project to the first one's name: the same conflict.
    await page.goto(`/projects/${state.secondProjectId}/settings`);
    const rename = page.getByRole("form", { name: "Rename project" });
    await rename.getByLabel("Project name").fill(PROJECT_NAME);
    await rename.getByRole("button", { name: "Save name" }).click();
    await expectFieldError(rename.getByLabel("Project name"), `A project named "${PROJECT_NAME}" already exists in this organization. Choose another name.`);
    await page.reload();
    await expect(rename.getByLabel("Project name")).toHaveValue(SECOND_PROJECT_NAME);
  });

  test("an empty or malformed name is refused at the field", async ({ ownerPage: page, state }) => {
    await page.goto(`/projects/${state.projectId}/settings`);
    const project = page.getByRole("form", { name: "Rename project" });
    await project.getByLabel("Project name").fill("   ");
    await project.getByRole("button", { name: "Save name" }).click();
    await expectFieldError(project.getByLabel("Project name"), "Enter a project name.");
    await project.getByLabel("Project name").fill("-starts-with-a-dash");
    await project.getByRole("button", { name: "Save name" }).click();
    await expectFieldError(project.getByLabel("Project name"), /^A project name starts with a letter or digit/);

    await page.goto(`/orgs/${state.orgId}/settings`);
    const org = page.getByRole("form", { name: "Rename organization" });
    await org.getByLabel("Organization name").fill("");
    await org.getByRole("button", { name: "Save name" }).click();
    await expectFieldError(org.getByLabel("Organization name"), "Enter an organization name.");
    await page.reload();
    await expect(org.getByLabel("Organization name")).toHaveValue(ORG_NAME);
  });
});

test.describe("deleting", () => {
  test("a project is deleted only when its name is typed exactly", async ({ ownerPage: page, state }) => {
    const scratch = "Scratch";
    await page.goto(`/orgs/${state.orgId}`);
    await page.getByRole("button", { name: "New Project" }).click();
    await page.getByRole("dialog", { name: "Create a project" }).getByLabel("Project name").fill(scratch);
    await page.getByRole("dialog", { name: "Create a project" }).getByRole("button", { name: "Create project" }).click();
    await expect(page.getByRole("heading", { level: 1, name: scratch })).toBeVisible();
    const scratchId = new URL(page.url()).pathname.split("/")[2];

    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: `Delete project "${scratch}"` });
    const confirm = dialog.getByLabel(`Type "${scratch}" to confirm`);
    await confirm.fill(scratch.toLowerCase());
    await expect(dialog.getByText("The button deletes only when the name matches.")).toBeVisible();
    // Until the name matches exactly the button stays disabled (the server checks the name again).
    await expect(dialog.getByRole("button", { name: "Delete project" })).toBeDisabled();
    await expect(dialog).toBeVisible();

    await confirm.fill(scratch);
    await dialog.getByRole("button", { name: "Delete project" }).click();
    await expect(page).toHaveURL(`/orgs/${state.orgId}`);
    const projects = page.getByRole("table", { name: "Projects" });
    await expect(projects.getByRole("link", { name: PROJECT_NAME, exact: true })).toBeVisible();
    await expect(projects.getByRole("link", { name: scratch })).toHaveCount(0);
    const res = await page.goto(`/projects/${scratchId}`);
    expect(res?.status()).toBe(404);
  });

  test("an organization needs its name typed exactly, and is refused while it has projects", async ({ ownerPage: page, state }) => {
    await page.goto(`/orgs/${state.orgId}/settings`);
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: `Delete organization "${ORG_NAME}"` });
    const confirm = dialog.getByLabel(`Type "${ORG_NAME}" to confirm`);
    await confirm.fill("Acme");
    await expect(dialog.getByRole("button", { name: "Delete organization" })).toBeDisabled();

    await confirm.fill(ORG_NAME);
    await dialog.getByRole("button", { name: "Delete organization" }).click();
    await expectFieldError(confirm, "Delete the organization's projects first.");
    await expect(dialog.getByRole("alert")).toHaveText(/^This organization still has \d+ projects\. Delete them first\.$/);
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Organization settings" })).toBeVisible();
  });
});

test("a rename made from a page opened before someone else's rename says so, and works after a reload", async ({ ownerPage: first, state }) => {
  // A project of its own, so a failure here leaves the shared projects as they were.
  await first.goto(`/orgs/${state.orgId}`);
  await first.getByRole("button", { name: "New Project" }).click();
  await first.getByRole("dialog", { name: "Create a project" }).getByLabel("Project name").fill("Stale Check");
  await first.getByRole("dialog", { name: "Create a project" }).getByRole("button", { name: "Create project" }).click();
  await expect(first.getByRole("heading", { level: 1, name: "Stale Check" })).toBeVisible();
  const settings = `${new URL(first.url()).pathname}/settings`;

  const second = await first.context().newPage();
  const renameForm = (p: Page) => p.getByRole("form", { name: "Rename project" });
  await first.goto(settings);
  await second.goto(settings);
  await expect(renameForm(second).getByLabel("Project name")).toHaveValue("Stale Check");

  await renameForm(first).getByLabel("Project name").fill("Stale Check EU");
  await renameForm(first).getByRole("button", { name: "Save name" }).click();
  await expect(first.getByRole("status")).toContainText("Name saved.");

  await renameForm(second).getByLabel("Project name").fill("Stale Check US");
  await renameForm(second).getByRole("button", { name: "Save name" }).click();
  await expect(renameForm(second).getByRole("alert")).toHaveText(
    "This project was changed by someone else since you opened it. Reload the page and make your change again.",
  );

  await second.reload();
  await expect(renameForm(second).getByLabel("Project name")).toHaveValue("Stale Check EU");
  await renameForm(second).getByLabel("Project name").fill("Stale Check US");
  await renameForm(second).getByRole("button", { name: "Save name" }).click();
  await expect(second.getByRole("status")).toContainText("Name saved.");
  await second.reload();
  await expect(renameForm(second).getByLabel("Project name")).toHaveValue("Stale Check US");
});
