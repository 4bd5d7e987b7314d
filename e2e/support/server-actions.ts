import type { APIRequestContext, APIResponse, Page } from "@playwright/test";
import type { CapturedAction } from "./state";

// What the browser sends for a server action, so a test can send the same request again with
// other cookies (another user) or another input — a "direct POST" that skips the UI.
const KEPT_HEADERS = ["next-action", "content-type", "accept", "next-router-state-tree"];

/** Runs `trigger` (a click that submits a form) and returns the server-action POST it caused. */
export async function captureAction(page: Page, trigger: () => Promise<void>): Promise<CapturedAction> {
  const sent = page.waitForRequest((r) => r.method() === "POST" && r.headers()["next-action"] !== undefined);
  await trigger();
  const request = await sent;
  const headers = await request.allHeaders();
  return {
    url: request.url(),
    headers: Object.fromEntries(KEPT_HEADERS.filter((h) => headers[h] !== undefined).map((h) => [h, headers[h]!])),
    body: request.postData() ?? "",
  };
}

/** The same action with its input (the one argument the form passed) changed. */
export function withInput(action: CapturedAction, change: (input: Record<string, unknown>) => Record<string, unknown>): CapturedAction {
  const args = JSON.parse(action.body) as [Record<string, unknown>];
  return { ...action, body: JSON.stringify([change(args[0]), ...args.slice(1)]) };
}

export function inputOf(action: CapturedAction): Record<string, unknown> {
  return (JSON.parse(action.body) as [Record<string, unknown>])[0];
}

/** Sends the captured action with the cookies of `request` (a page's or a bare request context). */
export function replay(request: APIRequestContext, action: CapturedAction): Promise<APIResponse> {
  return request.post(action.url, {
    headers: { ...action.headers, origin: new URL(action.url).origin },
    data: action.body,
    maxRedirects: 0,
  });
}

/** Clicks a submit button and waits until the server action it posts has answered. */
export async function submitAndWait(page: Page, click: () => Promise<void>): Promise<void> {
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && r.request().headers()["next-action"] !== undefined);
  await click();
  await answered;
}
