import { describe, expect, it } from "vitest";
import { ipBytes } from "./extensions";

describe("ipBytes (the iPAddress of a subjectAltName)", () => {
  it("writes IPv4, IPv6 and IPv6 ending in a dotted IPv4 address as their 4 or 16 bytes", () => {
    const hexOf = (ip: string) => Buffer.from(ipBytes(ip)).toString("hex");
    expect(hexOf("10.0.0.1")).toBe("0a000001");
    expect(hexOf("fd00::1")).toBe("fd000000000000000000000000000001");
    expect(hexOf("::")).toBe("00000000000000000000000000000000");
    expect(hexOf("2001:db8:0:0:1:0:0:1")).toBe("20010db8000000000001000000000001");
    // These were written as …ffff0010 and …0192 before.
    expect(hexOf("::ffff:10.0.0.1")).toBe("00000000000000000000ffff0a000001");
    expect(hexOf("64:ff9b::192.0.2.1")).toBe("0064ff9b0000000000000000c0000201");
  });
});
