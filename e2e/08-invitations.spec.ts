import { expectNoSeriousA11yViolations } from "./support/a11y";
import { expect, test } from "./support/fixtures";
import { OWNER } from "./support/state";

// Adding an email that already has an account: the account is not added, its holder must agree.
// The adder gets a one-time invitation code to hand over; the holder signs in with their own
// password and enters it. (Without this, anyone who can create an organization could make an
// account for someone's email first, with a password of their own, and be handed that person's
// roles when a real organization adds the email.) Runs after the other specs: Rita ends up with
// an organization of her own, and the owner in it.
test.describe.configure({ mode: "serial" });

const ORG_URL = /\/orgs\/([0-9a-f]{24})$/;

test("an existing account joins another organization only when its holder enters the invitation code", async ({ readerPage: rita, ownerPage: owner }) => {
  // Rita makes an organization of her own and adds the owner's email, which has an account.
  await rita.goto("/orgs");
  const create = rita.getByRole("form", { name: "Create an organization" });
  await create.getByLabel("Organization name").fill("Rita Lab");
  await create.getByRole("button", { name: "Create organization" }).click();
  await expect(rita).toHaveURL(ORG_URL);
  const labPath = new URL(rita.url()).pathname;
  await rita.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Users" }).click();
  await rita.getByRole("button", { name: "Add User" }).click();
  const dialog = rita.getByRole("dialog", { name: "Add a user to this organization" });
  await dialog.getByLabel("Name", { exact: true }).fill("Someone Else");
  await dialog.getByLabel("Email").fill(OWNER.email);
  await dialog.getByLabel("Initial password").fill("a password rita chose");
  await dialog.getByRole("checkbox", { name: "Organization Owner" }).check();
  await dialog.getByRole("checkbox", { name: "Organization Member" }).uncheck();
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await expect(dialog.getByRole("alert")).toContainText(`${OWNER.email} already has a Gatehouse account, so it was not added`);
  const code = (await dialog.getByTestId("invitation-code").textContent())!.trim();
  expect(code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}$/);
  await expectNoSeriousA11yViolations(rita, "invitation code");
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();

  // Not a member: a pending invitation, and the password Rita typed opens nothing.
  await expect(rita.getByRole("table", { name: "Organization users" })).not.toContainText(OWNER.email);
  await expect(rita.getByRole("table", { name: "Pending invitations" })).toContainText(OWNER.email);
  await owner.goto(labPath);
  await expect(owner.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();

  // The owner enters the code under Organizations; a wrong one says what to do.
  await owner.goto("/orgs");
  const join = owner.getByRole("form", { name: "Join an organization" });
  await join.getByLabel("Invitation code").fill("AAAAA-BBBBB-CCCCC");
  await join.getByRole("button", { name: "Join" }).click();
  await expect(join.getByRole("alert")).toContainText("does not work for your account");
  await join.getByLabel("Invitation code").fill(code.toLowerCase());
  await join.getByRole("button", { name: "Join" }).click();
  await expect(owner).toHaveURL(labPath);
  await expect(owner.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
  await expect(owner.getByRole("main")).toContainText("Rita Lab");

  // Rita sees the owner as an Organization Owner of her lab, and the invitation is used up.
  await rita.reload();
  const row = rita.getByRole("table", { name: "Organization users" }).getByRole("row").filter({ hasText: OWNER.email });
  await expect(row.getByRole("cell").nth(2)).toHaveText("Organization Owner");
  await expect(rita.getByRole("table", { name: "Pending invitations" })).toHaveCount(0);
});
