import { describe, expect, it } from "vitest";
import type { Runtime } from "./runtime";
import { perStore } from "./per-store";

const rtWith = (store: object) => ({ store }) as unknown as Runtime;

describe("perStore", () => {
  it("creates one value per store, once", () => {
    let made = 0;
    const of = perStore("test-a", () => ({ n: ++made }));
    const a = rtWith({});
    const b = rtWith({});
    expect(of(a)).toBe(of(a));
    expect(of(b)).not.toBe(of(a));
    expect(made).toBe(2);
  });

  it("shares the value between two loads of the same module (Next's bundles), by name", () => {
    const store = {};
    const first = perStore("test-b", () => ({}));
    const second = perStore("test-b", () => ({}));
    expect(second(rtWith(store))).toBe(first(rtWith(store)));
    expect(perStore("test-c", () => ({}))(rtWith(store))).not.toBe(first(rtWith(store)));
  });
});
