import { test as base, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { loadState, STORAGE, type E2EState, type Role } from "./state";

export type Theme = "light" | "dark";

type Fixtures = {
  /** Light or dark console: sets the gh_theme cookie the app reads on the server. */
  theme: Theme;
  /** Ids and names 01-foundation saved for this server. */
  state: E2EState;
  /** A page signed in as the Organization Owner (its own browser context). */
  ownerPage: Page;
  /** A page signed in as Rita, Organization Member with Project Read Only on the first project. */
  readerPage: Page;
  /** A fresh page for a role (or signed out with `null`), each in its own browser context. */
  openAs: (role: Role | null) => Promise<Page>;
};

async function newContext(browser: Browser, baseURL: string | undefined, role: Role | null, theme: Theme): Promise<BrowserContext> {
  const context = await browser.newContext(role ? { storageState: STORAGE[role] } : {});
  if (theme === "dark") await context.addCookies([{ name: "gh_theme", value: "dark", url: baseURL ?? "http://localhost" }]);
  return context;
}

export const test = base.extend<Fixtures>({
  theme: ["light", { option: true }],
  state: async ({}, use) => {
    await use(loadState());
  },
  openAs: async ({ browser, baseURL, theme }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (role) => {
      const context = await newContext(browser, baseURL, role, theme);
      contexts.push(context);
      return context.newPage();
    });
    for (const c of contexts) await c.close();
  },
  ownerPage: async ({ openAs }, use) => {
    await use(await openAs("owner"));
  },
  readerPage: async ({ openAs }, use) => {
    await use(await openAs("reader"));
  },
});

export { expect };
