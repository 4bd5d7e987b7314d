import type { Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/a11y";
import { expect, test, type Theme } from "./support/fixtures";
import type { E2EState, Role } from "./support/state";

// axe on every page of the console, in both themes, as the role that sees it; then the keyboard.
// (/setup is checked in 01-foundation, the only time it exists.)

type Check = {
  name: string;
  role: Role | null;
  path: (s: E2EState) => string;
  status?: number;
  /** Brings the page into the state to check (an open dialog, errors shown) and waits for it. */
  prepare?: (page: Page) => Promise<void>;
};

const NO_SUCH_PROJECT = "0".repeat(24);

const CHECKS: Check[] = [
  { name: "sign-in", role: null, path: () => "/login" },
  {
    name: "sign-in with errors shown",
    role: null,
    path: () => "/login",
    prepare: async (page) => {
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    },
  },
  { name: "organizations", role: "owner", path: () => "/orgs" },
  { name: "projects", role: "owner", path: (s) => `/orgs/${s.orgId}` },
  { name: "projects, New Project dialog open", role: "owner", path: (s) => `/orgs/${s.orgId}`, prepare: openDialog("New Project", "Create a project") },
  { name: "users", role: "owner", path: (s) => `/orgs/${s.orgId}/access` },
  { name: "users, Add User dialog open", role: "owner", path: (s) => `/orgs/${s.orgId}/access`, prepare: openDialog("Add User", "Add a user to this organization") },
  { name: "organization audit", role: "owner", path: (s) => `/orgs/${s.orgId}/audit` },
  { name: "organization settings", role: "owner", path: (s) => `/orgs/${s.orgId}/settings` },
  { name: "project overview", role: "owner", path: (s) => `/projects/${s.projectId}` },
  { name: "project access", role: "owner", path: (s) => `/projects/${s.projectId}/access` },
  { name: "project audit", role: "owner", path: (s) => `/projects/${s.projectId}/audit` },
  { name: "project settings", role: "owner", path: (s) => `/projects/${s.projectId}/settings` },
  { name: "project settings, Delete dialog open", role: "owner", path: (s) => `/projects/${s.projectId}/settings`, prepare: openDialog("Delete", /^Delete project /) },
  { name: "project overview as Read Only", role: "reader", path: (s) => `/projects/${s.projectId}` },
  { name: "project access as Read Only", role: "reader", path: (s) => `/projects/${s.projectId}/access` },
  { name: "change password", role: "owner", path: () => "/account/password" },
  { name: "not found (404)", role: "owner", path: () => `/projects/${NO_SUCH_PROJECT}`, status: 404 },
  { name: "forbidden (403)", role: "reader", path: (s) => `/projects/${s.projectId}/settings`, status: 403 },
];

function openDialog(trigger: string, title: string | RegExp) {
  return async (page: Page) => {
    await page.getByRole("button", { name: trigger, exact: true }).click();
    await expect(page.getByRole("dialog", { name: title })).toBeVisible();
  };
}

for (const theme of ["light", "dark"] as Theme[]) {
  test.describe(`${theme} theme`, () => {
    test.use({ theme });

    for (const check of CHECKS) {
      test(`${check.name}: no serious or critical axe violation`, async ({ openAs, state }) => {
        const page = await openAs(check.role);
        const path = check.path(state);
        const res = await page.goto(path);
        expect(res?.status(), path).toBe(check.status ?? 200);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        if (theme === "dark") await expect(page.locator("html")).toHaveClass(/\bdark\b/);
        else await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
        await check.prepare?.(page);
        await expectNoSeriousA11yViolations(page, `${path} (${check.name}, ${theme})`);
      });
    }
  });
}

test.describe("keyboard", () => {
  test("Tab reaches “Skip to content” first, which jumps over the sidebar into the page", async ({ ownerPage: page, state }) => {
    await page.goto(`/orgs/${state.orgId}`);
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/#main$/);
    // The next Tab lands inside the page content, not in the sidebar.
    await page.keyboard.press("Tab");
    await expect(page.getByRole("main").locator(":focus")).toHaveCount(1);
  });

  test("every sidebar link is reachable with Tab and opens with Enter", async ({ ownerPage: page, state }) => {
    await page.goto(`/orgs/${state.orgId}`);
    const nav = page.getByRole("navigation", { name: "Sections" });
    const expected = await nav.getByRole("link").allTextContents();
    expect(expected).toEqual(expect.arrayContaining(["Projects", "Users", "Audit", "Settings"]));

    const reached: string[] = [];
    for (let i = 0; i < 40 && reached.length < expected.length; i++) {
      await page.keyboard.press("Tab");
      const focused = nav.locator(":focus");
      if (await focused.count()) reached.push((await focused.textContent())!.trim());
    }
    expect(reached).toEqual(expected);

    // Focus is on the last sidebar link: Enter follows it.
    const last = nav.getByRole("link").last();
    await expect(last).toBeFocused();
    const href = (await last.getAttribute("href"))!;
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(href);
    await expect(last).toHaveAttribute("aria-current", "page");
  });

  test("a dialog opens from the keyboard, Escape closes it and focus returns to its button", async ({ ownerPage: page, state }) => {
    await page.goto(`/orgs/${state.orgId}`);
    const trigger = page.getByRole("button", { name: "New Project" });
    await trigger.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Create a project" });
    await expect(dialog).toBeVisible();
    await expect(dialog.locator(":focus")).toHaveCount(1);
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(trigger).toBeFocused();
  });
});

test("the theme button switches to dark and back, and the choice survives a reload", async ({ ownerPage: page, state }) => {
  await page.goto(`/projects/${state.projectId}`);
  const html = page.locator("html");
  await expect(html).not.toHaveClass(/\bdark\b/);
  await page.getByRole("button", { name: "Switch to dark theme" }).click();
  await expect(html).toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(html).toHaveClass(/\bdark\b/);
  await page.getByRole("button", { name: "Switch to light theme" }).click();
  await expect(html).not.toHaveClass(/\bdark\b/);
  await expect(page.getByRole("button", { name: "Switch to dark theme" })).toBeVisible();
});
