import { describe, expect, it } from "vitest";
import { LAST_USED_RESOLUTION_MS, lastUseIsNews } from "./last-used";

describe("lastUseIsNews", () => {
  const at = new Date("2026-12-01T12:00:00.000Z");
  it("records a first use, and a use a minute or more after the recorded one", () => {
    expect(lastUseIsNews(null, at)).toBe(true);
    expect(lastUseIsNews(new Date(at.getTime() - LAST_USED_RESOLUTION_MS).toISOString(), at)).toBe(true);
    expect(lastUseIsNews("2026-11-30T12:00:00.000Z", at)).toBe(true);
  });
  it("skips a use within the minute after the recorded one", () => {
    expect(lastUseIsNews(at.toISOString(), at)).toBe(false);
    expect(lastUseIsNews(new Date(at.getTime() - LAST_USED_RESOLUTION_MS + 1).toISOString(), at)).toBe(false);
  });
  it("is one minute", () => expect(LAST_USED_RESOLUTION_MS).toBe(60_000));
});
