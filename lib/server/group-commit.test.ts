import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { newId } from "@/lib/ids";
import { createTestRuntime, type TestRuntime } from "@/test/support/runtime";
import { groupCommit } from "./group-commit";

let rt: TestRuntime;
beforeEach(() => {
  rt = createTestRuntime();
});
afterEach(() => {
  rt.close();
  vi.restoreAllMocks();
});

const org = (name: string) => ({ id: newId(), name, version: 1, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z" });

describe("groupCommit", () => {
  it("commits writes that arrive together in one transaction, and each caller gets its own result", async () => {
    const tx = vi.spyOn(rt.store, "transaction");
    const names = ["a", "b", "c"];
    const results = await Promise.all(names.map((n) => groupCommit(rt, async (w) => (await w.orgs.insert(org(n)), n.toUpperCase()))));
    expect(results).toEqual(["A", "B", "C"]);
    expect(tx).toHaveBeenCalledTimes(1);
    for (const n of names) expect(await rt.store.orgs.getByName(n)).not.toBeNull();
  });

  it("retries a failed batch one write at a time: one bad write fails alone", async () => {
    const dup = org("dup");
    await rt.store.transaction((w) => w.orgs.insert(dup));
    const good = groupCommit(rt, (w) => w.orgs.insert(org("good")));
    const bad = groupCommit(rt, (w) => w.orgs.insert({ ...dup }));
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toBeTruthy();
    expect(await rt.store.orgs.getByName("good")).not.toBeNull();
  });
});
