import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { request, type ClientRequest } from "node:http";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/a11y";
import { expect, test } from "./support/fixtures";
import { captureAction, inputOf, replay, withInput } from "./support/server-actions";
import {
  ORG_NAME,
  OWNER,
  OWNER_STORAGE,
  PROJECT_NAME,
  READER,
  READER_STORAGE,
  SECOND_PROJECT_NAME,
  loadState,
  resetState,
  saveState,
} from "./support/state";

// The Foundation workflow, start to finish, on a brand-new instance: setup → the owner builds an
// organization → adds Rita with Project Read Only → Rita signs in and changes her initial password
// → she sees only what her role allows, and a direct POST or another project's URL gets 404 →
// the owner's audit trail shows all of it. Each step builds on the one before: serial.
test.describe.configure({ mode: "serial" });

const ID = /[0-9a-f]{24}/;
const idIn = (url: string, prefix: string) => new URL(url).pathname.match(new RegExp(`^/${prefix}/(${ID.source})`))![1]!;

async function fillSetup(page: Page, fields: { code: string; password: string; confirm: string }) {
  const form = page.getByRole("form", { name: "Set up Gatehouse" });
  await form.getByLabel("Setup code").fill(fields.code);
  await form.getByLabel("Your name").fill(OWNER.name);
  await form.getByLabel("Email").fill(OWNER.email);
  await form.getByLabel("Password", { exact: true }).fill(fields.password);
  await form.getByLabel("Confirm password").fill(fields.confirm);
  await form.getByLabel("Organization name").fill(ORG_NAME);
  await form.getByLabel("First project name").fill(PROJECT_NAME);
  return form;
}

test("a fresh instance sends the first visitor to an accessible setup page", async ({ page }) => {
  resetState();
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up Gatehouse" })).toBeVisible();
  // Sign-in has nothing to offer before setup either.
  await page.goto("/login");
  await expect(page).toHaveURL(/\/setup$/);

  // /setup exists only on a fresh instance, so its axe check (both themes) lives here.
  await expectNoSeriousA11yViolations(page, "/setup (light)");
  await page.context().addCookies([{ name: "gh_theme", value: "dark", url: page.url() }]);
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await expectNoSeriousA11yViolations(page, "/setup (dark)");
});

test("setup explains bad input next to the field, and refuses a wrong setup code", async ({ page }) => {
  await page.goto("/setup");
  const submit = page.getByRole("button", { name: "Create owner, organization and project" });

  let form = await fillSetup(page, { code: "WRONG-WRONG-WRONG", password: "too-short", confirm: "too-short" });
  await submit.click();
  await expect(form.getByLabel("Password", { exact: true })).toHaveAccessibleDescription("Use at least 12 characters.");
  await expect(form.getByLabel("Password", { exact: true })).toHaveAttribute("aria-invalid", "true");

  form = await fillSetup(page, { code: "WRONG-WRONG-WRONG", password: OWNER.password, confirm: `${OWNER.password}-typo` });
  await submit.click();
  await expect(form.getByLabel("Confirm password")).toHaveAccessibleDescription("The passwords do not match.");

  form = await fillSetup(page, { code: "WRONG-WRONG-WRONG", password: OWNER.password, confirm: OWNER.password });
  await submit.click();
  await expect(form.getByLabel("Setup code")).toHaveAccessibleDescription(/^The setup code is not correct\./);
  await expect(page).toHaveURL(/\/setup$/);
});

test("with the setup code the first visitor creates the owner, organization and project", async ({ page }) => {
  const code = readFileSync(join(process.env.E2E_DATA_DIR!, "setup-code"), "utf8").trim();
  await page.goto("/setup");
  await fillSetup(page, { code, password: OWNER.password, confirm: OWNER.password });
  const setupRequest = await captureAction(page, () => page.getByRole("button", { name: "Create owner, organization and project" }).click());

  await expect(page).toHaveURL(new RegExp(`/projects/${ID.source}$`));
  await expect(page.getByRole("heading", { level: 1, name: PROJECT_NAME })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText(`Signed in as ${OWNER.name}`);
  await expect(page.getByLabel("Organization", { exact: true }).locator("option:checked")).toHaveText(ORG_NAME);

  await page.context().storageState({ path: OWNER_STORAGE });
  saveState({ projectId: idIn(page.url(), "projects"), orgId: await page.getByLabel("Organization", { exact: true }).inputValue(), setupRequest });
});

test("once set up, /setup is a 404 — the page, and a direct POST of the setup action", async ({ page, request }) => {
  const { setupRequest } = saved();
  const res = await page.goto("/setup");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();

  // The browser's own setup request again: its code has been used up.
  expect((await replay(request, setupRequest)).status()).toBe(404);
  // And with a made-up code and another owner: the instance cannot be claimed twice.
  const intruder = withInput(setupRequest, (input) => ({
    ...input,
    setupCode: randomBytes(8).toString("hex"),
    email: "intruder@example.com",
    orgName: "Intruder Org",
    projectName: "Intruder Project",
  }));
  expect((await replay(request, intruder)).status()).toBe(404);
});

test("the owner creates a second project from the organization's project list", async ({ ownerPage: page }) => {
  const { orgId, projectId } = saved();
  await page.goto("/");
  await expect(page).toHaveURL(`/orgs/${orgId}`);
  await page.getByRole("button", { name: "New Project" }).click();
  const dialog = page.getByRole("dialog", { name: "Create a project" });
  await dialog.getByLabel("Project name").fill(SECOND_PROJECT_NAME);
  await dialog.getByRole("button", { name: "Create project" }).click();

  await expect(page.getByRole("heading", { level: 1, name: SECOND_PROJECT_NAME })).toBeVisible();
  const secondProjectId = idIn(page.url(), "projects");
  expect(secondProjectId).not.toBe(projectId);
  saveState({ secondProjectId });

  // Both projects are listed, from the top of the console down.
  await page.getByRole("link", { name: "Gatehouse" }).click();
  await expect(page).toHaveURL("/orgs");
  await page.getByRole("main").getByRole("link", { name: ORG_NAME }).click();
  await expect(page).toHaveURL(`/orgs/${orgId}`);
  await expect(page.getByRole("table", { name: "Projects" }).getByRole("link")).toHaveText([SECOND_PROJECT_NAME, PROJECT_NAME]);
});

test("the owner adds Rita to the organization as an Organization Member", async ({ ownerPage: page }) => {
  const { orgId } = saved();
  await page.goto(`/orgs/${orgId}`);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();

  await page.getByRole("button", { name: "Add User" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a user to this organization" });
  await dialog.getByLabel("Name", { exact: true }).fill(READER.name);
  await dialog.getByLabel("Email").fill(READER.email);
  await dialog.getByLabel("Initial password").fill(READER.initialPassword);
  const roles = dialog.getByRole("group", { name: "Organization roles" });
  await expect(roles.getByRole("checkbox", { name: "Organization Member" })).toBeChecked();
  await expect(roles.getByRole("checkbox", { name: "Organization Owner" })).not.toBeChecked();
  await dialog.getByRole("button", { name: "Add", exact: true }).click();

  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status")).toContainText(`Added ${READER.email}. Give them the initial password`);
  const row = page.getByRole("table", { name: "Organization users" }).getByRole("row").filter({ hasText: READER.email });
  await expect(row.getByRole("cell").nth(2)).toHaveText("Organization Member");
  await expect(row.getByRole("button")).toHaveText(["Edit", "Remove"]);
});

test("the owner gives Rita Project Read Only on the first project", async ({ ownerPage: page }) => {
  const { projectId } = saved();
  await page.goto(`/projects/${projectId}`);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Project Access" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Project Access" })).toBeVisible();

  await page.getByRole("button", { name: "Add User" }).click();
  const dialog = page.getByRole("dialog", { name: "Give an organization member access to this project" });
  await dialog.getByLabel("User", { exact: true }).selectOption({ label: `${READER.name} (${READER.email})` });
  const roles = dialog.getByRole("group", { name: "Project roles" });
  await expect(roles.getByRole("checkbox", { name: "Project Read Only" })).toBeChecked();
  await expect(roles.getByRole("checkbox", { name: "Project Owner" })).not.toBeChecked();
  const grantRequest = await captureAction(page, () => dialog.getByRole("button", { name: "Give access" }).click());

  await expect(dialog).toBeHidden();
  const row = page.getByRole("table", { name: "Project users" }).getByRole("row").filter({ hasText: READER.email });
  await expect(row.getByRole("cell").nth(2)).toHaveText("Project Read Only");
  saveState({ grantRequest, readerId: String(inputOf(grantRequest).userId) });
});

test("Rita signs in, must replace her initial password, then lands in her organization", async ({ openAs }) => {
  const { orgId, projectId } = saved();
  const page = await openAs(null);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  const form = page.getByRole("form", { name: "Sign in" });

  // A mistyped password gets the one generic answer.
  await form.getByLabel("Email").fill(READER.email);
  await form.getByLabel("Password").fill("not-her-password");
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(form.getByRole("alert")).toHaveText("The email address or password is not correct.");

  await form.getByLabel("Password").fill(READER.initialPassword);
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account\/password$/);
  await expect(page.getByRole("heading", { name: "Change your password" })).toBeVisible();
  await expect(page.getByText("Your account was created with an initial password.")).toBeVisible();

  // Nothing in the console opens until she has chosen her own password.
  await page.goto(`/projects/${projectId}`);
  await expect(page).toHaveURL(/\/account\/password$/);

  const change = page.getByRole("form", { name: "Change password" });
  await change.getByLabel("Current password").fill(READER.initialPassword);
  await change.getByLabel("New password", { exact: true }).fill(READER.password);
  await change.getByLabel("Confirm new password").fill(READER.password);
  await change.getByRole("button", { name: "Change password" }).click();

  await expect(page).toHaveURL(`/orgs/${orgId}`);
  await expect(page.getByRole("banner")).toContainText(`Signed in as ${READER.name}`);
  await page.context().storageState({ path: READER_STORAGE });
});

test("Rita sees her project but none of the owner-only controls", async ({ readerPage: page }) => {
  const { orgId, projectId } = saved();
  await page.goto("/");
  await expect(page).toHaveURL(`/orgs/${orgId}`);
  const nav = page.getByRole("navigation", { name: "Sections" });
  // An Organization Member reads the project list and the users; no audit, no settings.
  await expect(nav.getByRole("link", { name: "Projects", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Users", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: /^(Audit|Settings)$/ })).toHaveCount(0);
  await expect(page.getByRole("table", { name: "Projects" }).getByRole("link")).toHaveText([PROJECT_NAME]);
  await expect(page.getByRole("button", { name: "New Project" })).toHaveCount(0);

  await nav.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("table", { name: "Organization users" })).toContainText(READER.email);
  await expect(page.getByRole("button", { name: /^(Add User|Edit|Remove)$/ })).toHaveCount(0);

  await page.getByLabel("Project", { exact: true }).selectOption({ label: PROJECT_NAME });
  await expect(page).toHaveURL(`/projects/${projectId}`);
  await expect(page.getByRole("heading", { level: 1, name: PROJECT_NAME })).toBeVisible();
  await expect(page.getByLabel("Project", { exact: true }).getByRole("option")).toHaveText(["All projects", PROJECT_NAME]);
  await expect(page.getByRole("definition").filter({ hasText: "Project Read Only" })).toBeVisible();
  for (const section of ["Overview", "Project Access", "Audit"]) await expect(nav.getByRole("link", { name: section, exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Settings", exact: true })).toHaveCount(0);

  await nav.getByRole("link", { name: "Project Access" }).click();
  const users = page.getByRole("table", { name: "Project users" });
  await expect(users.getByRole("row").filter({ hasText: READER.email }).getByRole("cell").nth(2)).toHaveText("Project Read Only");
  await expect(users.getByRole("row").filter({ hasText: OWNER.email }).getByRole("cell").nth(2)).toHaveText("Project Owner");
  await expect(page.getByRole("button", { name: /^(Add User|Edit|Remove)$/ })).toHaveCount(0);
  await expect(users.getByRole("columnheader")).toHaveText(["Name", "Email", "Project roles"]);
});

test("Rita gets the 403 page for owner-only pages and 404 for a project she has no role in", async ({ readerPage: page }) => {
  const { orgId, projectId, secondProjectId } = saved();
  for (const path of [`/projects/${projectId}/settings`, `/orgs/${orgId}/settings`, `/orgs/${orgId}/audit`]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { name: "You do not have permission to see this" })).toBeVisible();
  }
  for (const path of [`/projects/${secondProjectId}`, `/projects/${secondProjectId}/access`, `/projects/${secondProjectId}/settings`]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  }
});

test("owner-only actions POSTed directly from Rita's session answer 404 and change nothing", async ({ ownerPage: owner, readerPage: rita }) => {
  const { projectId, secondProjectId, grantRequest } = saved();
  const renamed = `${PROJECT_NAME} API`;

  // The owner renames the first project in the UI; the test keeps the request the browser sent.
  await owner.goto(`/projects/${projectId}/settings`);
  const form = owner.getByRole("form", { name: "Rename project" });
  await form.getByLabel("Project name").fill(renamed);
  const rename = await captureAction(owner, () => form.getByRole("button", { name: "Save name" }).click());
  await expect(owner.getByRole("status")).toContainText("Name saved.");
  await owner.reload();
  await expect(form.getByLabel("Project name")).toHaveValue(renamed);
  const version = await form.locator('input[name="version"]').inputValue();

  // Rita sends it with her cookies: a fresh version, a name of her choosing.
  const ritaRename = withInput(rename, (input) => ({ ...input, name: "Renamed by Rita", version }));
  expect((await replay(rita.request, ritaRename)).status()).toBe(404);
  // …against the project she has no role in.
  const otherRename = withInput(rename, (input) => ({ ...input, projectId: secondProjectId, name: "Renamed by Rita", version: "1" }));
  expect((await replay(rita.request, otherRename)).status()).toBe(404);
  // …and the owner's "Give access" request, making herself Project Owner.
  const promote = withInput(grantRequest, (input) => ({ ...input, roles: ["GROUP_OWNER"] }));
  expect((await replay(rita.request, promote)).status()).toBe(404);

  // Nothing changed.
  await owner.reload();
  await expect(form.getByLabel("Project name")).toHaveValue(renamed);
  await owner.goto(`/projects/${secondProjectId}/settings`);
  await expect(owner.getByRole("form", { name: "Rename project" }).getByLabel("Project name")).toHaveValue(SECOND_PROJECT_NAME);
  await owner.goto(`/projects/${projectId}/access`);
  const ritaRow = owner.getByRole("table", { name: "Project users" }).getByRole("row").filter({ hasText: READER.email });
  await expect(ritaRow.getByRole("cell").nth(2)).toHaveText("Project Read Only");

  // The very same request from the owner's session works, so the 404s above are the
  // authorization check, not a malformed replay. It also puts the original name back.
  const ownerRename = withInput(rename, (input) => ({ ...input, name: PROJECT_NAME, version }));
  expect((await replay(owner.request, ownerRename)).status()).toBe(200);
  await owner.goto(`/projects/${projectId}/settings`);
  await expect(form.getByLabel("Project name")).toHaveValue(PROJECT_NAME);
});

test("the owner's organization audit shows the setup, the changes and Rita's refused attempts", async ({ ownerPage: page }) => {
  const { orgId, projectId, secondProjectId } = saved();
  await page.goto(`/orgs/${orgId}`);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Audit" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audit" })).toBeVisible();
  const events = page.getByRole("table", { name: "Audit events" });
  for (const action of ["setup.completed", "org.created", "project.created", "org.user_added", "project.user_added", "project.renamed", "authz.denied"]) {
    await expect(events.getByRole("cell", { name: action, exact: true }).first(), action).toBeVisible();
  }

  // Rita's events only.
  await page.getByLabel("Actor").fill("rita");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/[?&]actor=rita\b/);
  const rows = events.getByRole("row").filter({ has: page.getByRole("cell") });
  await expect(rows.first()).toBeVisible();
  await expect(rows.filter({ hasNotText: READER.email })).toHaveCount(0);
  const denied = rows.filter({ has: page.getByRole("cell", { name: "authz.denied", exact: true }) });
  await expect(denied.filter({ hasText: `project:${projectId}` }).first()).toBeVisible();
  await expect(denied.filter({ hasText: `project:${secondProjectId}` }).first()).toBeVisible();

  // …narrowed to refusals: every row says "denied".
  await page.getByLabel("Action").selectOption("authz.denied");
  await page.getByRole("button", { name: "Filter" }).click();
  // (waitForURL also waits for the filtered page to load, so the count below is of its rows)
  await page.waitForURL(/[?&]action=authz\.denied\b/);
  const n = await rows.count();
  // 3 pages answered 403 and 3 URLs of the other project 404: one event per view, although a
  // page's layout and the page both check. 3 direct POSTs: one event each, plus one for each of
  // the two renames re-rendering the settings page the request came from, which Rita may not see.
  expect(n).toBe(11);
  await expect(rows.getByRole("cell", { name: "authz.denied", exact: true })).toHaveCount(n);
  await expect(rows.getByRole("cell", { name: "denied", exact: true })).toHaveCount(n);

  // The export links carry the filters.
  const filtered = JSON.parse(await download(page, "Export JSON")) as AuditRow[];
  expect(filtered).toHaveLength(n);
  expect(filtered.every((e) => e.action === "authz.denied" && e.outcome === "denied" && e.actorLabel === READER.email)).toBe(true);

  // A date range (whole UTC days) around today keeps them; one starting the day after tomorrow has none.
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("From (UTC)").fill(day(-1));
  await page.getByLabel("To (UTC)").fill(day(1));
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(new RegExp(`[?&]to=${day(1)}`));
  await expect(rows).toHaveCount(n);
  await page.getByLabel("From (UTC)").fill(day(2));
  await page.getByLabel("To (UTC)").fill("");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(new RegExp(`[?&]from=${day(2)}`));
  await expect(page.getByRole("heading", { name: "No event matches these filters" })).toBeVisible();

  await page.getByRole("link", { name: "Clear" }).click();
  await expect(page).toHaveURL(`/orgs/${orgId}/audit`);
  await expect(page.getByLabel("Actor")).toHaveValue("");
});

test("an audit date range that ends before it starts is explained at the field", async ({ ownerPage: page }) => {
  const { orgId } = saved();
  await page.goto(`/orgs/${orgId}/audit`);
  await page.getByLabel("From (UTC)").fill("2026-02-01");
  await page.getByLabel("To (UTC)").fill("2026-01-01");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audit" })).toBeVisible({ timeout: 2_000 });
  await expect(page.getByLabel("To (UTC)")).toHaveAccessibleDescription("The end date is before the start date.");
});

test("the organization audit also lists Rita's sign-ins and password change", async ({ ownerPage: page }) => {
  const { orgId } = saved();
  await page.goto(`/orgs/${orgId}/audit?actor=rita`);
  const events = page.getByRole("table", { name: "Audit events" });
  await expect(events.getByRole("cell", { name: "user.password_changed", exact: true })).toBeVisible({ timeout: 2_000 });
  await expect(events.getByRole("cell", { name: "auth.login", exact: true }).first()).toBeVisible({ timeout: 2_000 });
});

test("the owner exports the whole organization audit as JSON and CSV", async ({ ownerPage: page }) => {
  const { orgId } = saved();
  await page.goto(`/orgs/${orgId}/audit`);

  const json = await download(page, "Export JSON", new RegExp(`^org-${orgId}-audit-\\d{4}-\\d{2}-\\d{2}\\.json$`));
  const events = JSON.parse(json) as AuditRow[];
  const actions = events.map((e) => e.action);
  expect(actions).toEqual(expect.arrayContaining(["setup.completed", "org.created", "project.created", "org.user_added", "project.user_added", "project.renamed", "authz.denied"]));
  expect(actions.filter((a) => a === "setup.completed")).toHaveLength(1);
  expect(events.filter((e) => e.action === "project.created")).toHaveLength(2);
  expect(events.filter((e) => e.action === "authz.denied").every((e) => e.outcome === "denied")).toBe(true);
  // Oldest first.
  expect(actions[0]).toBe("setup.completed");

  const csv = await download(page, "Export CSV", new RegExp(`^org-${orgId}-audit-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
  const lines = csv.trimEnd().split(/\r\n/);
  expect(lines[0]).toBe("id,at,actorLabel,actorId,orgId,projectId,action,target,outcome,ip,detail");
  expect(lines).toHaveLength(events.length + 1);
  expect(lines.some((l) => l.includes(",authz.denied,") && l.includes(",denied,"))).toBe(true);
});

test("Rita reads her project's audit trail, which shows her own refusals there", async ({ readerPage: page }) => {
  const { projectId, secondProjectId } = saved();
  await page.goto(`/projects/${projectId}`);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Audit" }).click();
  const events = page.getByRole("table", { name: "Audit events" });
  await expect(events.getByRole("cell", { name: "project.user_added", exact: true })).toBeVisible();
  await expect(events.getByRole("cell", { name: "authz.denied", exact: true }).first()).toBeVisible();
  // Only this project: nothing about the other one.
  await expect(events.getByText(`project:${secondProjectId}`)).toHaveCount(0);
});

// scripts/server.mjs decides the client's address, not the client: the sign-in throttle and the
// audit trail key on it. A client talking to the port directly must not be able to name another.
test("a forged X-Forwarded-For is dropped: Rita's sign-in is audited with the address she really came from", async ({ browser, ownerPage: owner }) => {
  const { orgId } = saved();
  const forged = "203.0.113.77";
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": forged, "x-real-ip": forged, forwarded: `for=${forged}` } });
  try {
    const page = await context.newPage();
    await page.goto("/login");
    const form = page.getByRole("form", { name: "Sign in" });
    await form.getByLabel("Email").fill(READER.email);
    await form.getByLabel("Password").fill(READER.password);
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`/orgs/${orgId}`);
  } finally {
    await context.close();
  }
  await owner.goto(`/orgs/${orgId}/audit`);
  const events = JSON.parse(await download(owner, "Export JSON")) as (AuditRow & { ip: string | null })[];
  expect(events.filter((e) => e.ip?.includes(forged))).toEqual([]);
  // Oldest first: the last sign-in is the one just made.
  expect(events.filter((e) => e.action === "auth.login" && e.outcome === "success").at(-1)).toMatchObject({ actorLabel: READER.email, ip: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/) });
});

type RawReply = { status: number; type: string | undefined; body: string };

/**
 * A POST to the token endpoint through node:http, where `send` decides what goes on the wire
 * after the headers: neither Playwright's request API nor curl can announce a body without sending
 * it, or send one slowly. Once the server has answered and closed, writes fail, which is expected;
 * an error with no answer after it rejects.
 */
function postRaw(baseURL: string, headers: Record<string, string>, timeoutMs: number, send: (req: ClientRequest) => void): Promise<RawReply> {
  const url = new URL(baseURL);
  return new Promise<RawReply>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: "POST", path: "/api/oauth/token", headers: { "content-type": "application/x-www-form-urlencoded", ...headers } }, (r) => {
      let body = "";
      r.setEncoding("utf8");
      r.on("data", (c) => (body += c));
      r.on("end", () => resolve({ status: r.statusCode!, type: r.headers["content-type"], body }));
    });
    req.on("error", (err) => setTimeout(() => reject(err), 2000));
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s: the server is waiting for the body`)));
    send(req);
  });
}

test("a request announcing a body over the limit gets 413 and a JSON error, without its body being read", async ({ baseURL }) => {
  // Only the headers: the server must answer without waiting for the 3 MB it was promised.
  const res = await postRaw(baseURL!, { "content-length": String(3 * 1024 * 1024) }, 10_000, (req) => req.flushHeaders());
  expect(res.status).toBe(413);
  expect(res.type).toBe("application/json");
  expect(JSON.parse(res.body)).toMatchObject({ error: 413, errorCode: "PAYLOAD_TOO_LARGE", reason: "Payload Too Large" });
});

test("a chunked body (no announced length) is refused with 413 once it passes the limit, not read to its end", async ({ baseURL }) => {
  const chunk = "x".repeat(64 * 1024);
  const most = 8 * 1024 * 1024;
  let sent = 0;
  // The body is counted as the route reads it. On a route's first request Next.js first loads its
  // code, and meanwhile the kernel's socket buffers (several MB on loopback) take in the upload
  // unread, so the count would start late; the first request goes before.
  expect((await postRaw(baseURL!, {}, 10_000, (req) => req.end("grant_type=client_credentials"))).status).toBe(401);
  // Up to 8 MiB, 64 KiB at a time, waiting for each write: the answer must come long before the
  // end. Like curl, the client stops uploading once an answer has arrived.
  const res = await postRaw(baseURL!, { "transfer-encoding": "chunked" }, 20_000, (req) => {
    let answered = false;
    req.once("response", () => (answered = true));
    const more = () => {
      if (req.destroyed || answered) return;
      if (sent >= most) return void req.end();
      sent += chunk.length;
      req.write(chunk, () => setImmediate(more));
    };
    more();
  });
  expect(res.status).toBe(413);
  expect(res.type).toBe("application/json");
  expect(JSON.parse(res.body)).toMatchObject({ error: 413, errorCode: "PAYLOAD_TOO_LARGE" });
  expect(sent).toBeLessThan(most);
});

type AuditRow = { action: string; outcome: string; actorLabel: string; target: string };

async function download(page: Page, link: string, filename?: RegExp): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: link }).click()]);
  if (filename) expect(file.suggestedFilename()).toMatch(filename);
  return readFileSync(await file.path(), "utf8");
}

/** What the earlier steps of this spec saved. */
const saved = () => loadState({ complete: false });
