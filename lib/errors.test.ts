import { describe, expect, it } from "vitest";
import { GatehouseError, isGatehouseError } from "./errors";

describe("isGatehouseError", () => {
  it("recognises errors thrown by another bundle's copy of the class (Next bundles instrumentation separately)", () => {
    // A second copy of the class: same registry symbol, different constructor.
    class OtherCopy extends Error {
      readonly code = "CONFLICT";
    }
    const foreign = Object.assign(new OtherCopy("taken"), { [Symbol.for("gatehouse.error")]: true });
    expect(foreign instanceof GatehouseError).toBe(false);
    expect(isGatehouseError(foreign)).toBe(true);
    expect(isGatehouseError(new GatehouseError("STALE", "x"))).toBe(true);
    expect(isGatehouseError(new Error("plain"))).toBe(false);
    expect(isGatehouseError({ code: "CONFLICT", message: "look-alike" })).toBe(false);
  });
});
