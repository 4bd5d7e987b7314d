import { describe, expect, it } from "vitest";
import { evaluateTrust, pathAllowanceBelow, shieldColours, type TrustNode } from "./chain";

const NOW = new Date("2026-06-01T00:00:00Z");
const node = (id: string, over: Partial<TrustNode> = {}): TrustNode => ({
  pathLen: null,
  id, alias: id, notBefore: new Date("2026-01-01"), notAfter: new Date("2027-01-01"), isCA: false, trustedAnchor: false, selfSigned: false, issuerId: null, signatureOk: true,
  // A self-signed certificate is self-issued too.
  selfIssued: over.selfSigned ?? false,
  ...over,
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

  describe("pathLenConstraint (RFC 5280 §4.2.1.9, as openssl verify applies it)", () => {
    const path = new Map(
      [
        node("root0", { isCA: true, trustedAnchor: true, selfSigned: true, pathLen: 0 }),
        node("inter0", { isCA: true, issuerId: "root0" }),
        node("leaf0", { issuerId: "inter0" }),
        node("direct0", { issuerId: "root0" }),
        node("root1", { isCA: true, trustedAnchor: true, selfSigned: true, pathLen: 1 }),
        node("i1", { isCA: true, issuerId: "root1" }),
        node("i2", { isCA: true, issuerId: "i1" }),
        node("leaf-i1", { issuerId: "i1" }),
        node("leaf-i2", { issuerId: "i2" }),
        // The limit can sit on an intermediate, and an untrusted root's counts too.
        node("root", { isCA: true, trustedAnchor: true, selfSigned: true }),
        node("capped", { isCA: true, issuerId: "root", pathLen: 0 }),
        node("under-capped", { isCA: true, issuerId: "capped" }),
        node("leaf-under-capped", { issuerId: "under-capped" }),
        node("untrusted0", { isCA: true, selfSigned: true, pathLen: 0 }),
        // A trusted CA that is not a root: the limits above it still hold, as openssl applies them.
        node("tR", { isCA: true, trustedAnchor: true, selfSigned: true, pathLen: 1 }),
        node("tI", { isCA: true, trustedAnchor: true, issuerId: "tR" }),
        node("tJ", { isCA: true, issuerId: "tI" }),
        node("t-leaf", { issuerId: "tJ" }),
        node("t-leaf-i", { issuerId: "tI" }),
        node("u-inter", { isCA: true, issuerId: "untrusted0" }),
        node("u-leaf", { issuerId: "u-inter" }),
        // Key rollover under a limit: the CA's new key, certified by its old one, is self-issued
        // and not counted (RFC 5280 §6.1.4 (l)); a CA the new key issues is.
        node("rr", { isCA: true, trustedAnchor: true, selfSigned: true, pathLen: 0 }),
        node("r-link", { isCA: true, selfIssued: true, issuerId: "rr" }),
        node("r-leaf", { issuerId: "r-link" }),
        node("r-sub", { isCA: true, issuerId: "r-link" }),
        node("r-sub-leaf", { issuerId: "r-sub" }),
        // The same above a trusted CA that is itself such a link.
        node("tr0", { isCA: true, trustedAnchor: true, selfSigned: true, pathLen: 0 }),
        node("t-link", { isCA: true, trustedAnchor: true, selfIssued: true, issuerId: "tr0" }),
        node("t-link-leaf", { issuerId: "t-link" }),
        node("t-link-sub", { isCA: true, issuerId: "t-link" }),
        node("t-link-sub-leaf", { issuerId: "t-link-sub" }),
      ].map((n) => [n.id, n]),
    );
    const r = (id: string) => evaluateTrust(id, path, NOW);

    it("counts the CA certificates between a CA and what it vouches for", () => {
      expect([r("inter0").shield, r("direct0").shield, r("i1").shield, r("i2").shield, r("leaf-i1").shield, r("under-capped").shield]).toEqual(["green", "green", "green", "green", "green", "green"]);
      for (const id of ["leaf0", "leaf-i2", "leaf-under-capped", "u-leaf", "t-leaf"]) expect([id, r(id).shield, r(id).code]).toEqual([id, "red", "PATH_TOO_LONG"]);
      expect(r("leaf0").reason).toBe('"root0" allows no CA certificate below it (pathLenConstraint 0), and this chain has 1 between it and the certificate.');
      expect(r("leaf-i2").reason).toContain('"root1" allows one CA certificate below it (pathLenConstraint 1), and this chain has 2');
      expect([r("r-link").shield, r("r-leaf").shield, r("r-sub").shield, r("t-link-leaf").shield, r("t-link-sub").shield]).toEqual(["green", "green", "green", "green", "green"]);
      expect(r("r-sub-leaf")).toMatchObject({ shield: "red", code: "PATH_TOO_LONG", reason: '"rr" allows no CA certificate below it (pathLenConstraint 0), and this chain has 1 between it and the certificate.' });
      expect(r("t-link-sub-leaf")).toMatchObject({ shield: "red", code: "PATH_TOO_LONG", reason: '"tr0" allows no CA certificate below it (pathLenConstraint 0), and this chain has 1 between it and the certificate.' });
      // The link that sets the limit is the one marked.
      expect(r("leaf-under-capped").chain.map((l) => [l.alias, l.shield])).toEqual([["leaf-under-capped", "green"], ["under-capped", "green"], ["capped", "red"]]);
    });

    it("the one-pass colours agree with the full walk for every entry", () => {
      const colours = shieldColours(path, NOW);
      for (const id of path.keys()) expect([id, colours.get(id)]).toEqual([id, r(id).shield]);
    });

    it("says what a new certificate under a CA would have left: ≥ 0 valid, ≥ 1 may itself issue", () => {
      const a = (id: string) => ((x) => [x.allowance, x.limitedBy?.id ?? null])(pathAllowanceBelow(id, path));
      expect(a("root0")).toEqual([0, "root0"]);
      expect(a("inter0")).toEqual([-1, "root0"]);
      expect(a("root1")).toEqual([1, "root1"]);
      expect(a("i1")).toEqual([0, "root1"]);
      expect(a("i2")).toEqual([-1, "root1"]);
      expect(a("root")).toEqual([Infinity, null]);
      expect(a("under-capped")).toEqual([-1, "capped"]);
      expect(a("tI")).toEqual([0, "tR"]);
      expect(a("tJ")).toEqual([-1, "tR"]);
      expect(a("r-link")).toEqual([0, "rr"]);
      expect(a("r-sub")).toEqual([-1, "rr"]);
      expect(a("t-link")).toEqual([0, "tr0"]);
      expect([r("tJ").shield, r("t-leaf-i").shield]).toEqual(["green", "green"]);
      expect(r("t-leaf").chain.map((l) => [l.alias, l.code])).toEqual([["t-leaf", "CHAIN_TRUSTED"], ["tJ", "CHAIN_TRUSTED"], ["tI", "TRUSTED_ANCHOR"], ["tR", "PATH_TOO_LONG"]]);
      // Its verdict and the shield's agree: a certificate is valid exactly when its issuer left it ≥ 0.
      for (const n of path.values()) if (n.issuerId && path.get(n.issuerId)) expect([n.id, pathAllowanceBelow(n.issuerId, path).allowance >= 0]).toEqual([n.id, r(n.id).code !== "PATH_TOO_LONG"]);
    });
  });

  it("a name outside the constraints of its chain makes an otherwise green or yellow certificate red (NAME_CONSTRAINTS)", () => {
    const nodes = new Map(
      [
        node("root", { isCA: true, trustedAnchor: true, selfSigned: true }),
        node("outside", { issuerId: "root", nameViolation: '"root" does not permit it: the DNS name "x.other" is outside its name constraints' }),
        node("inside", { issuerId: "root" }),
        node("orphan-outside", { issuerId: "gone", nameViolation: "…" }),
        node("expired-outside", { issuerId: "root", notAfter: new Date("2026-05-01"), nameViolation: "…" }),
        // Below a CA that is itself outside: the link marked is that CA's.
        node("bad-ca", { isCA: true, issuerId: "root", nameViolation: '"bad-ca" breaks…', nameViolationAt: "bad-ca" }),
        node("under-bad-ca", { issuerId: "bad-ca", nameViolation: '"bad-ca" breaks…', nameViolationAt: "bad-ca" }),
      ].map((n) => [n.id, n]),
    );
    expect(evaluateTrust("outside", nodes, NOW)).toMatchObject({ shield: "red", code: "NAME_CONSTRAINTS", reason: 'Name constraints: "root" does not permit it: the DNS name "x.other" is outside its name constraints.' });
    expect(evaluateTrust("outside", nodes, NOW).chain.map((l) => [l.alias, l.code])).toEqual([["outside", "NAME_CONSTRAINTS"], ["root", "TRUSTED_ANCHOR"]]);
    expect(evaluateTrust("inside", nodes, NOW).shield).toBe("green");
    expect(evaluateTrust("under-bad-ca", nodes, NOW).chain.map((l) => [l.alias, l.shield])).toEqual([["under-bad-ca", "green"], ["bad-ca", "red"], ["root", "green"]]);
    expect(evaluateTrust("orphan-outside", nodes, NOW).code).toBe("NAME_CONSTRAINTS");
    // Red for another reason stays that reason.
    expect(evaluateTrust("expired-outside", nodes, NOW).code).toBe("EXPIRED");
    const colours = shieldColours(nodes, NOW);
    for (const id of nodes.keys()) expect([id, colours.get(id)]).toEqual([id, evaluateTrust(id, nodes, NOW).shield]);
  });

  it("agree with the full walk on random graphs, whatever the order entries come in (loops, trusted CAs with issuers, limits)", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
    for (let g = 0; g < 400; g++) {
      const ids = Array.from({ length: 7 }, (_, i) => `n${i}`);
      const list = ids.map((id) => {
        const selfSigned = rand() < 0.2;
        return node(id, {
          isCA: rand() < 0.8,
          trustedAnchor: rand() < 0.3,
          selfSigned,
          selfIssued: selfSigned || rand() < 0.2,
          issuerId: rand() < 0.85 ? pick([...ids, "missing"]) : null,
          pathLen: rand() < 0.4 ? pick([0, 1, 2]) : null,
          signatureOk: rand() < 0.95,
          notAfter: rand() < 0.05 ? new Date("2026-05-01") : new Date("2027-01-01"),
          nameViolation: rand() < 0.1 ? "outside" : null,
        });
      });
      const full = new Map(list.map((n) => [n.id, n]));
      for (const order of [list, [...list].reverse(), [...list.slice(3), ...list.slice(0, 3)]]) {
        const nodes = new Map(order.map((n) => [n.id, n]));
        const colours = shieldColours(nodes, NOW);
        for (const id of ids) expect([g, id, colours.get(id)]).toEqual([g, id, evaluateTrust(id, full, NOW).shield]);
      }
    }
  });
});
