import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

type Violation = Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"][number];

const describe = (v: Violation) =>
  `${v.impact} ${v.id} (${v.help}):\n` + v.nodes.map((n) => `    ${n.target.join(" ")} — ${(n.failureSummary ?? "").replace(/\s*\n\s*/g, " ")}`).join("\n");

/**
 * Runs axe on the page as it is now and fails on any serious or critical violation, listing
 * each (rule id, element, why). Minor and moderate findings are attached to the report.
 */
export async function expectNoSeriousA11yViolations(page: Page, what = page.url()): Promise<void> {
  // Next.js streams a page's metadata, and re-renders it after a server action: wait until the
  // title is back, so axe judges the page and not that instant (a page with no title still fails).
  await expect(page, `the ${what} page has a title`).toHaveTitle(/\S/);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const other = violations.filter((v) => !blocking.includes(v));
  if (other.length) {
    test.info().annotations.push({ type: "axe (minor/moderate)", description: `${what}\n${other.map(describe).join("\n")}` });
  }
  expect(blocking.map(describe), `serious or critical axe violations on ${what}`).toEqual([]);
}
