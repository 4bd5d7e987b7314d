import type { Page } from "@playwright/test";

/** Key Store › entry › "Export" (PEM): saves the certificate to `path`, as a user would download it. */
export async function exportCertificateAs(page: Page, projectId: string, alias: string, path: string): Promise<void> {
  await page.goto(`/projects/${projectId}/keystore`);
  await page.getByRole("link", { name: alias, exact: true }).click();
  await page.getByRole("button", { name: "Export", exact: true }).click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("dialog", { name: "Export the certificate" }).getByRole("button", { name: "OK" }).click()]);
  await download.saveAs(path);
}
