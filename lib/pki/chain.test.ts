import { describe, expect, it } from "vitest";
import { evaluateTrust, shieldColours, type TrustNode } from "./chain";

const NOW = new Date("2026-06-01T00:00:00Z");
const node = (id: string, over: Partial<TrustNode> = {}): TrustNode => ({
  id, alias: id, notBefore: new Date("2026-01-01"), notAfter: new Date("2027-01-01"), isCA: false, trustedAnchor: false, selfSigned: false, issuerId: null, signatureOk: true, ...over,
});

describe("trust shields", () => {
  const nodes = new Map(
    [
      node("root", { isCA: true, trustedAnchor: true, selfSigned: true }),
      node("untrusted-root", { isCA: true, selfSigned: true }),
      node("inter", { isCA: true, issuerId: "root" }),
      node("expired-inter", { isCA: true, issuerId: "root", notAfter: new Date("2026-05-01") }),
      node("leaf", { issuerId: "inter" }),
      node("leaf-of-expired", { issuerId: "expired-inter" }),
      node("leaf-untrusted", { issuerId: "untrusted-root" }),
      node("orphan", { issuerId: null }),
      node("dangling", { issuerId: "gone" }),
      node("bad-sig", { issuerId: "root", signatureOk: false }),
      node("future", { issuerId: "root", notBefore: new Date("2026-07-01") }),
      node("self", { selfSigned: true }),
      node("loop-a", { isCA: true, issuerId: "loop-b" }),
      node("loop-b", { isCA: true, issuerId: "loop-a" }),
      // A CA re-certified as a Client: its own certificate is fine, but it vouches for nothing.
      node("demoted", { issuerId: "root" }),
      node("leaf-of-demoted", { issuerId: "demoted" }),
      node("ca-under-demoted", { isCA: true, issuerId: "demoted" }),
      node("leaf-deep", { issuerId: "ca-under-demoted" }),
    ].map((n) => [n.id, n]),
  );

  it("gives each certificate the documented shield and reason code", () => {
    const r = (id: string) => [evaluateTrust(id, nodes, NOW).shield, evaluateTrust(id, nodes, NOW).code];
    expect(r("root")).toEqual(["green", "TRUSTED_ANCHOR"]);
    expect(r("leaf")).toEqual(["green", "CHAIN_TRUSTED"]);
    expect(r("leaf-of-expired")).toEqual(["red", "CHAIN_BROKEN"]);
    expect(r("leaf-untrusted")).toEqual(["yellow", "ISSUER_UNTRUSTED"]);
    expect(r("orphan")).toEqual(["yellow", "ISSUER_MISSING"]);
    expect(r("dangling")).toEqual(["yellow", "ISSUER_MISSING"]);
    expect(r("bad-sig")).toEqual(["red", "BAD_SIGNATURE"]);
    expect(r("future")).toEqual(["red", "NOT_YET_VALID"]);
    expect(r("self")).toEqual(["yellow", "SELF_SIGNED"]);
    expect(r("loop-a")).toEqual(["red", "LOOP"]);
    expect(r("demoted")).toEqual(["green", "CHAIN_TRUSTED"]);
    expect(r("leaf-of-demoted")).toEqual(["red", "ISSUER_NOT_CA"]);
    expect(r("leaf-deep")).toEqual(["red", "CHAIN_BROKEN"]);
  });

  it("the one-pass colours agree with the full walk for every entry", () => {
    const colours = shieldColours(nodes, NOW);
    for (const id of nodes.keys()) expect([id, colours.get(id)]).toEqual([id, evaluateTrust(id, nodes, NOW).shield]);
  });
});
