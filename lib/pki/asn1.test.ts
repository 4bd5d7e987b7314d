import { describe, expect, it } from "vitest";
import { DerError, decodeOid } from "./asn1";

const base128 = (n: bigint) => {
  const out = [Number(n & 0x7fn)];
  for (n >>= 7n; n > 0n; n >>= 7n) out.unshift(Number(n & 0x7fn) | 0x80);
  return out;
};

describe("OBJECT IDENTIFIER decoding", () => {
  it("reads what OIDs really use, up to a UUID arc (2.25.<128 bits>)", () => {
    expect(decodeOid(Uint8Array.from([0x55, 0x04, 0x03]))).toBe("2.5.4.3");
    const uuid = 0xf81d4fae7dec11d0a76500a0c91e6bf6n;
    expect(decodeOid(Uint8Array.from([0x69, ...base128(uuid)]))).toBe(`2.25.${uuid}`);
  });

  it("refuses a hostile one quickly instead of spending quadratic time on it", () => {
    // One arc of 160,000 octets used to take ~10 s to print; a long run of small arcs is refused too.
    const hugeArc = Uint8Array.from([0x2a, ...Array<number>(160_000).fill(0xff), 0x01]);
    const t0 = performance.now();
    expect(() => decodeOid(hugeArc)).toThrow(DerError);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(() => decodeOid(Uint8Array.from([0x2a, ...Array<number>(40).fill(0xff), 0x01]))).toThrow(/arc over 32 octets/);
    expect(() => decodeOid(Uint8Array.from(Array<number>(600).fill(0x01)))).toThrow(/600 octets long/);
  });
});
