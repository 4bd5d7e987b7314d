import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as oauth from "oauth4webapi";
import { expectNoSeriousA11yViolations } from "./support/a11y";
import securityHeaders from "../lib/next/security-headers.json";
import { expect, test } from "./support/fixtures";
import { captureAction, replay } from "./support/server-actions";

// The seed's workflow: an owner creates a service account, copies the Client Secret from the
// one-time dialog; a client mints a token with it (curl, and a maintained OAuth library) and
// calls the Admin API; "Generate New Secret" rotates without recreating the account, and the old
// secret is revoked. An Organization Member sees service accounts but cannot create one.
test.describe.configure({ mode: "serial" });

const CURL = process.env.CURL_PATH ?? "curl";
let clientId = "";
let firstSecret = "";
let secondSecret = "";
let createAction: Awaited<ReturnType<typeof captureAction>> | undefined;
let accountUrl = "";
let projectKeyAction: Awaited<ReturnType<typeof captureAction>> | undefined;
let projectPublicKey = "";

/** curl, as the docs use it: the final response's status, headers and body (Digest sends two requests). */
function curl(args: string[]): { status: number; body: string; headers: string } {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-curl-"));
  try {
    const status = execFileSync(CURL, ["-s", "-o", join(dir, "body"), "-D", join(dir, "headers"), "-w", "%{http_code}", ...args], { encoding: "utf8" });
    const blocks = readFileSync(join(dir, "headers"), "utf8").split(/\r?\n\r?\n/).filter((b) => b.trim());
    return { status: Number(status), headers: blocks.at(-1) ?? "", body: readFileSync(join(dir, "body"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const mintWithCurl = (base: string, id: string, secret: string) => curl(["-u", `${id}:${secret}`, "-d", "grant_type=client_credentials", `${base}/api/oauth/token`]);

test("create a service account: the Client Secret is shown once, with a warning", async ({ ownerPage: page, state }) => {
  await page.goto(`/orgs/${state.orgId}`);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Service Accounts" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Service Accounts" })).toBeVisible();
  await page.getByRole("button", { name: "Create Service Account" }).click();
  const dialog = page.getByRole("dialog", { name: "Create Service Account" });
  await dialog.getByLabel("Name", { exact: true }).fill("ci pipeline");
  await dialog.getByLabel("Description").fill("Deploys from CI");
  await dialog.getByLabel("Organization Read Only").check();
  await dialog.getByLabel("Client Secret expiration").selectOption("720");
  createAction = await captureAction(page, () => dialog.getByRole("button", { name: "Create" }).click());
  await expect(dialog.getByText("It will not be shown again")).toBeVisible();
  clientId = (await dialog.getByTestId("client-id").textContent())!.trim();
  firstSecret = (await dialog.getByTestId("client-secret").textContent())!.trim();
  expect(clientId).toMatch(/^mdb_sa_id_[a-f0-9]{24}$/);
  expect(firstSecret).toMatch(/^mdb_sa_sk_/);
  await expectNoSeriousA11yViolations(page, "service account secret");
  await dialog.getByRole("button", { name: "Close" }).click();
  // Reopened, the dialog asks again: the secret is not shown a second time.
  await page.getByRole("button", { name: "Create Service Account" }).click();
  await expect(dialog.getByLabel("Name", { exact: true })).toBeVisible();
  await expect(dialog.getByText(firstSecret)).toHaveCount(0);
  await dialog.getByRole("button", { name: "Close" }).click();

  const table = page.getByRole("table", { name: "Service accounts" });
  await expect(table).toContainText(clientId);
  await expect(table).toContainText(`mdb_sa_sk_****${firstSecret.slice(-4)}`);
  await expect(page.getByText(firstSecret)).toHaveCount(0);
  await table.getByRole("link", { name: "ci pipeline" }).click();
  await expect(page).toHaveURL(new RegExp(`/service-accounts/${clientId}$`));
  accountUrl = page.url();
  await expect(page.getByText(firstSecret)).toHaveCount(0);
});

test("curl mints a token with the secret and uses it on the Admin API; revoke makes it fail", async ({ ownerPage: page, baseURL, state }) => {
  const minted = mintWithCurl(baseURL!, clientId, firstSecret);
  expect(minted.status).toBe(200);
  const token = JSON.parse(minted.body) as { access_token: string; token_type: string; expires_in: number };
  expect(token).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
  // RFC 6749 §5.1's headers.
  for (const h of [/^content-type: application\/json\r?$/im, /^cache-control: no-store\r?$/im, /^pragma: no-cache\r?$/im]) expect(minted.headers).toMatch(h);
  // The issuance is audited with the address the request came from, as Next passed it to the route.
  const issued = await page.request.get(`/api/v1/orgs/${state.orgId}/events?action=oauth.token_issued`);
  expect(issued.status()).toBe(200);
  const events = ((await issued.json()) as { results: { actorLabel: string; ip: string | null }[] }).results;
  expect(events.find((e) => e.actorLabel.includes(clientId))).toMatchObject({ ip: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/) });
  // A client cannot choose the address it is audited (and rate-limited) with: the server drops
  // forwarding headers it sends, also on this route, which Next's router does not serve.
  const forged = curl(["-u", `${clientId}:${firstSecret}`, "-H", "X-Forwarded-For: 203.0.113.9", "-d", "grant_type=client_credentials", `${baseURL}/api/oauth/token`]);
  expect(forged.status).toBe(200);
  const forgedJti = (JSON.parse(Buffer.from((JSON.parse(forged.body) as { access_token: string }).access_token.split(".")[1]!, "base64url").toString("utf8")) as { jti: string }).jti;
  const audited = ((await (await page.request.get(`/api/v1/orgs/${state.orgId}/events?action=oauth.token_issued`)).json()) as { results: { ip: string | null; detail: { jti?: string } }[] }).results;
  expect(audited.find((e) => e.detail.jti === forgedJti)).toMatchObject({ ip: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/) });
  // Served straight from its built route (scripts/direct-routes.mjs), not through Next's router,
  // whose compression wrapper adds Vary: Accept-Encoding to every reply of an API route.
  expect(minted.headers).not.toMatch(/^vary:/im);
  // A token is asked for with POST only (RFC 6749 §3.2).
  const get = curl([`${baseURL}/api/oauth/token`]);
  expect(get.status).toBe(405);
  expect(get.headers).toMatch(/^allow: OPTIONS, POST\r?$/im);
  const orgs = curl(["-H", `Authorization: Bearer ${token.access_token}`, "-H", "Accept: application/vnd.atlas.2023-01-01+json", `${baseURL}/api/atlas/v2/orgs`]);
  expect(orgs.status).toBe(200);
  expect(orgs.headers).toMatch(/content-type: application\/vnd\.atlas\.2023-01-01\+json/i);
  // The console's security headers (next.config.ts) on the token endpoint too, which the server
  // answers without Next's router (scripts/direct-routes.mjs), as on a route Next answers.
  for (const { key, value } of securityHeaders) {
    const line = new RegExp(`^${key}: ${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\r?$`, "im");
    expect(orgs.headers, key).toMatch(line);
    expect(minted.headers, key).toMatch(line);
    expect(get.headers, key).toMatch(line);
  }
  expect(JSON.parse(orgs.body)).toMatchObject({ totalCount: 1, results: [{ id: state.orgId }] });
  // ORG_READ_ONLY sees every project of the organization, and cannot create a service account.
  const groups = JSON.parse(curl(["-H", `Authorization: Bearer ${token.access_token}`, `${baseURL}/api/atlas/v2/groups`]).body) as { results: { id: string }[] };
  expect(groups.results.map((g) => g.id)).toContain(state.projectId);
  const refused = curl(["-X", "POST", "-H", `Authorization: Bearer ${token.access_token}`, "-H", "Content-Type: application/json", "-d", '{"name":"x","description":"x","roles":["ORG_OWNER"],"secretExpiresAfterHours":8}', `${baseURL}/api/atlas/v2/orgs/${state.orgId}/serviceAccounts`]);
  expect(refused.status).toBe(404);
  expect(JSON.parse(refused.body)).toMatchObject({ error: 404, errorCode: "RESOURCE_NOT_FOUND" });

  const revoked = curl(["-u", `${clientId}:${firstSecret}`, "-d", `token=${token.access_token}&token_type_hint=access_token`, `${baseURL}/api/oauth/revoke`]);
  expect(revoked).toMatchObject({ status: 200, body: "" });
  const after = curl(["-H", `Authorization: Bearer ${token.access_token}`, `${baseURL}/api/atlas/v2/orgs`]);
  expect(after.status).toBe(401);
  expect(after.headers).toMatch(/www-authenticate: Bearer realm="Gatehouse Admin API", error="invalid_token"/i);
  // No credentials at all: the Digest challenge comes first (Go's digest client reads only the first).
  const anonymous = curl([`${baseURL}/api/atlas/v2/orgs`]);
  expect(anonymous.status).toBe(401);
  // One challenge, carrying exactly Go's digest client's parameters and nothing after them.
  const challenges = anonymous.headers.split(/\r?\n/).filter((l) => /^www-authenticate:/i.test(l));
  expect(challenges).toHaveLength(1);
  expect(challenges[0]).toMatch(/^www-authenticate: Digest realm="MMS Public API", domain="", nonce="[^"]+", algorithm=MD5, qop="auth", stale=false$/i);

  const wrong = mintWithCurl(baseURL!, clientId, firstSecret + "x");
  expect(wrong.status).toBe(401);
  expect(JSON.parse(wrong.body)).toMatchObject({ error: "invalid_client" });
});

test("a maintained OAuth 2.0 client (oauth4webapi) obtains a token and calls the Admin API", async ({ baseURL, state }) => {
  const as: oauth.AuthorizationServer = { issuer: "urn:gatehouse", token_endpoint: `${baseURL}/api/oauth/token` };
  const client: oauth.Client = { client_id: clientId };
  const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(firstSecret), new URLSearchParams(), { [oauth.allowInsecureRequests]: true });
  const result = await oauth.processClientCredentialsResponse(as, client, response);
  expect(result.token_type).toBe("bearer");
  const res = await fetch(`${baseURL}/api/atlas/v2/orgs/${state.orgId}`, { headers: { authorization: `Bearer ${result.access_token}`, accept: "application/vnd.atlas.2023-01-01+json" } });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ id: state.orgId });
});

test("Generate New Secret rotates without recreating the account; the revoked old secret can no longer mint", async ({ ownerPage: page, baseURL }) => {
  await page.goto(accountUrl);
  await page.getByRole("button", { name: "Generate New Secret" }).click();
  const dialog = page.getByRole("dialog", { name: "Generate New Secret" });
  await dialog.getByRole("button", { name: "Generate" }).click();
  await expect(dialog.getByText("It will not be shown again")).toBeVisible();
  secondSecret = (await dialog.getByTestId("client-secret").textContent())!.trim();
  expect(secondSecret).not.toBe(firstSecret);
  expect((await dialog.getByTestId("client-id").textContent())!.trim()).toBe(clientId);
  await dialog.getByRole("button", { name: "Close" }).click();
  expect(mintWithCurl(baseURL!, clientId, secondSecret).status).toBe(200);

  const secrets = page.getByRole("table", { name: "Client Secrets" });
  await expect(secrets.getByRole("row")).toHaveCount(3);
  const oldRow = secrets.getByRole("row").filter({ hasText: `****${firstSecret.slice(-4)}` });
  await oldRow.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog", { name: /^Revoke mdb_sa_sk_/ }).getByRole("button", { name: "Revoke secret" }).click();
  await expect(secrets.getByRole("row")).toHaveCount(2);
  await expect(secrets).toContainText(`****${secondSecret.slice(-4)}`);
  expect(mintWithCurl(baseURL!, clientId, firstSecret).status).toBe(401);
  expect(mintWithCurl(baseURL!, clientId, secondSecret).status).toBe(200);
});

test("a Project Owner invites the service account into a project with a project role", async ({ ownerPage: page, state, baseURL }) => {
  await page.goto(`/projects/${state.projectId}`);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Service Accounts" }).click();
  await expect(page.getByText("No service account has a role in this project")).toBeVisible();
  await page.getByLabel("Service account", { exact: true }).selectOption(clientId);
  await page.getByLabel("Project Owner").check();
  await page.getByRole("button", { name: "Add to project" }).click();
  await expect(page.getByRole("table", { name: "Project service accounts" })).toContainText("Project Owner");
  // The account's token now reaches the project's Database Access with write rights.
  const token = (JSON.parse(mintWithCurl(baseURL!, clientId, secondSecret).body) as { access_token: string }).access_token;
  const created = curl(["-X", "POST", "-H", `Authorization: Bearer ${token}`, "-H", "Content-Type: application/json", "-d", '{"username":"reporting","databaseName":"admin","password":"reporting-pass-1","roles":[{"roleName":"read","databaseName":"sales"}]}', `${baseURL}/api/atlas/v2/groups/${state.projectId}/databaseUsers`]);
  expect(created.status).toBe(201);
  expect(JSON.parse(created.body)).toMatchObject({ username: "reporting", databaseName: "admin", x509Type: "NONE", roles: [{ roleName: "read", databaseName: "sales" }] });
  expect(created.body).not.toContain("reporting-pass-1");
});

test("an API key (shown once) reads and writes through the Admin API with curl --digest; a replayed request and a wrong key get the Digest challenge", async ({ ownerPage: page, baseURL, state }) => {
  await page.goto(`/orgs/${state.orgId}`);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "API Keys" }).click();
  await page.getByRole("button", { name: "Create API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await dialog.getByLabel("Description").fill("terraform");
  await dialog.getByLabel("Organization Owner").check();
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(dialog.getByText("It will not be shown again")).toBeVisible();
  const publicKey = (await dialog.getByTestId("public-key").textContent())!.trim();
  const privateKey = (await dialog.getByTestId("private-key").textContent())!.trim();
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(page.getByRole("table", { name: "API keys" })).toContainText(publicKey);
  await expect(page.getByText(privateKey)).toHaveCount(0);
  await page.getByRole("button", { name: "Create API Key" }).click();
  await expect(dialog.getByLabel("Description")).toBeVisible();
  await expect(dialog.getByText(privateKey)).toHaveCount(0);
  await dialog.getByRole("button", { name: "Close" }).click();

  const read = curl(["--digest", "-u", `${publicKey}:${privateKey}`, "-H", "Accept: application/vnd.atlas.2023-01-01+json", `${baseURL}/api/atlas/v2/orgs/${state.orgId}/groups?pageNum=1&itemsPerPage=10`]);
  expect(read.status).toBe(200);
  expect(JSON.parse(read.body).results.map((g: { id: string }) => g.id)).toContain(state.projectId);
  const write = curl(["--digest", "-u", `${publicKey}:${privateKey}`, "-X", "POST", "-H", "Content-Type: application/json", "-H", "Accept: application/vnd.atlas.2024-08-05+json", "-d", '{"name":"made by terraform","description":"via digest","roles":["ORG_READ_ONLY"],"secretExpiresAfterHours":24}', `${baseURL}/api/atlas/v2/orgs/${state.orgId}/serviceAccounts`]);
  expect(write.status).toBe(201);
  expect(JSON.parse(write.body)).toMatchObject({ name: "made by terraform", secrets: [{ secret: expect.stringMatching(/^mdb_sa_sk_/) }] });
  // A captured request sent again unchanged (curl -v shows the Authorization header it sent) is refused.
  const url = `${baseURL}/api/atlas/v2/orgs/${state.orgId}/groups`;
  const verbose = spawnSync(CURL, ["-s", "-v", "-o", "/dev/null", "--digest", "-u", `${publicKey}:${privateKey}`, url], { encoding: "utf8" }).stderr;
  const sent = verbose.split(/\r?\n/).filter((l) => /^> authorization: Digest /i.test(l)).at(-1)!.replace(/^> /, "");
  expect(verbose).toMatch(/^< HTTP\/1\.1 200/m);
  expect(sent).toContain(`username="${publicKey}"`);
  const replayed = curl(["-H", sent, url]);
  expect(replayed.status).toBe(401);
  expect(replayed.headers).toMatch(/^www-authenticate: Digest realm="MMS Public API".*stale=false\r?$/im);
  const wrong = curl(["--digest", "-u", `${publicKey}:00000000-0000-0000-0000-000000000000`, `${baseURL}/api/atlas/v2/orgs`]);
  expect(wrong.status).toBe(401);
  expect(wrong.headers).toMatch(/^www-authenticate: Digest realm="MMS Public API", domain="", nonce="[^"]+", algorithm=MD5, qop="auth", stale=false\r?$/im);
});

test("a Project Owner creates a project API key that reaches this project only, and assigns and removes an organization key", async ({ ownerPage: page, baseURL, state }) => {
  await page.goto(`/projects/${state.projectId}`);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "API Keys" }).click();
  await expect(page.getByText("No API key has a role in this project")).toBeVisible();
  await page.getByRole("button", { name: "Create API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await dialog.getByLabel("Description").fill("ci deploy");
  await dialog.getByLabel("Project Database Access Admin").check();
  projectKeyAction = await captureAction(page, () => dialog.getByRole("button", { name: "Create" }).click());
  await expect(dialog.getByText("It will not be shown again")).toBeVisible();
  projectPublicKey = (await dialog.getByTestId("public-key").textContent())!.trim();
  const privateKey = (await dialog.getByTestId("private-key").textContent())!.trim();
  await dialog.getByRole("button", { name: "Close" }).click();
  const table = page.getByRole("table", { name: "Project API keys" });
  await expect(table.getByRole("row", { name: new RegExp(projectPublicKey) })).toContainText("Project Database Access Admin");
  await expect(page.getByText(privateKey)).toHaveCount(0);

  // Over Digest it is this project's Database Access Admin, and nothing in the organization.
  const auth = ["--digest", "-u", `${projectPublicKey}:${privateKey}`, "-H", "Accept: application/vnd.atlas.2023-01-01+json"];
  const users = curl([...auth, `${baseURL}/api/atlas/v2/groups/${state.projectId}/databaseUsers`]);
  expect(users.status).toBe(200);
  expect(JSON.parse(users.body)).toMatchObject({ results: expect.any(Array), totalCount: expect.any(Number) });
  expect(curl([...auth, `${baseURL}/api/atlas/v2/orgs/${state.orgId}/apiKeys`]).status).toBe(404);
  const listed = curl([...auth, `${baseURL}/api/atlas/v2/groups/${state.projectId}/apiKeys`]);
  expect(JSON.parse(listed.body).results).toEqual([expect.objectContaining({ publicKey: projectPublicKey, roles: [{ groupId: state.projectId, roleName: "GROUP_DATABASE_ACCESS_ADMIN" }] })]);

  // An organization key (the "terraform" one) gets a role here, then loses it.
  const keySelect = page.getByLabel("API key", { exact: true });
  await keySelect.selectOption((await keySelect.locator("option", { hasText: "terraform" }).getAttribute("value"))!);
  await page.getByRole("region", { name: "Assign an organization API key" }).getByLabel("Project Read Only").check();
  await page.getByRole("button", { name: "Add to project" }).click();
  const terraformRow = table.getByRole("row", { name: /terraform/ });
  await expect(terraformRow).toContainText("Project Read Only");
  await terraformRow.getByRole("button", { name: /^Remove / }).click();
  await expect(table.getByRole("row", { name: /terraform/ })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
});

test("the Admin API page renders the OpenAPI 3.1 document the server publishes", async ({ ownerPage: page, baseURL, state }) => {
  const doc = (await (await fetch(`${baseURL}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/oauth/token", "/api/atlas/v2/orgs/{orgId}/serviceAccounts", "/api/v1/groups/{groupId}/keystore"]));
  await page.goto(`/orgs/${state.orgId}`);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Admin API" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Service Accounts" })).toBeVisible();
  await expect(page.getByText("/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets", { exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page, "admin api");
});

test("the console's session reads the Admin API, but writes with it only from a Gatehouse page (no cross-site request forgery)", async ({ ownerPage: page, state }) => {
  const url = `/api/atlas/v2/orgs/${state.orgId}/apiKeys`;
  const json = { "content-type": "application/json" };
  await page.goto(`/orgs/${state.orgId}`);
  // The session cookie goes with each of these; only where the request comes from differs.
  expect((await page.request.get(url)).status()).toBe(200);
  for (const headers of [json, { ...json, origin: "https://evil.example" }, { ...json, "sec-fetch-site": "cross-site" }]) {
    const res = await page.request.post(url, { headers, data: {} });
    expect(res.status()).toBe(403);
    expect(await res.json()).toMatchObject({ errorCode: "CROSS_ORIGIN_REQUEST" });
  }
  // From the console's own page the browser says same-origin: the write reaches the use case,
  // which refuses the empty body at its fields.
  const fromPage = await page.evaluate(async (u) => {
    const r = await fetch(u, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    return { status: r.status, body: (await r.json()) as { errorCode: string } };
  }, url);
  expect(fromPage.status).toBe(400);
  expect(fromPage.body.errorCode).not.toBe("CROSS_ORIGIN_REQUEST");
});

test("an Organization Member sees service accounts but no create controls, and gets 404 on the direct action", async ({ readerPage: page, state }) => {
  await page.goto(`/orgs/${state.orgId}/service-accounts`);
  await expect(page.getByRole("table", { name: "Service accounts" })).toContainText("ci pipeline");
  await expect(page.getByRole("button", { name: "Create Service Account" })).toHaveCount(0);
  await page.goto(accountUrl);
  for (const name of ["Generate New Secret", "Revoke", "Edit", "Delete"]) await expect(page.getByRole("button", { name })).toHaveCount(0);
  const res = await replay(page.request, createAction!);
  expect(res.status()).toBe(404);
  // A Project Read Only member sees the project's API keys, with no controls, and cannot create one directly.
  await page.goto(`/projects/${state.projectId}/api-keys`);
  await expect(page.getByRole("table", { name: "Project API keys" })).toContainText(projectPublicKey);
  for (const name of ["Create API Key", "Add to project", `Remove ${projectPublicKey}`]) await expect(page.getByRole("button", { name })).toHaveCount(0);
  expect((await replay(page.request, projectKeyAction!)).status()).toBe(404);
});

test("the bench's instrumentation is off unless the bench turns it on: no Server-Timing, no event-loop report", async ({ baseURL }) => {
  const health = await fetch(`${baseURL}/api/health`);
  expect(health.status).toBe(200);
  expect(health.headers.get("server-timing")).toBeNull();
  expect((await fetch(`${baseURL}/__bench/event-loop`)).status).toBe(404);
  expect((await fetch(`${baseURL}/api/bench-baseline/token`, { method: "POST" })).status).toBe(404);
});
