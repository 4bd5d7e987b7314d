// "Last used" of a credential (an API key, a service account's secret, a console session) is kept
// to the minute, as the console shows it: a busy client must not turn every request into one
// more row write. A session's idle timeout is counted in minutes, so it loses nothing either.

export const LAST_USED_RESOLUTION_MS = 60_000;

/** Whether a use at `at` should be written, given the last one recorded. */
export function lastUseIsNews(lastUsedAt: string | null, at: Date): boolean {
  return !lastUsedAt || at.getTime() - Date.parse(lastUsedAt) >= LAST_USED_RESOLUTION_MS;
}
