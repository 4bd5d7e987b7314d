import { describe, expect, it } from "vitest";
import { digestHash, parseAlgorithm } from "./algorithm";
import { parseDigestAuthorization } from "./parse";
import { digestHa1, digestResponse } from "./response";

// RFC 7616 §3.9.1.
const RFC = {
  realm: "http-auth@example.org",
  username: "Mufasa",
  password: "Circle of Life",
  method: "GET",
  uri: "/dir/index.html",
  nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
  cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
  nc: "00000001",
};

describe("digestResponse: RFC 7616 §3.9.1 vectors", () => {
  it.each([
    ["MD5", "8ca523f5e9506fed4657c9700eebdbec"],
    ["SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"],
  ] as const)("%s", (algorithm, expected) => {
    const ha1 = digestHa1(algorithm, RFC.username, RFC.realm, RFC.password);
    expect(digestResponse({ algorithm, ha1, ...RFC })).toBe(expected);
  });

  it("the RFC's own Authorization header parses to the values that give its response", () => {
    const header =
      'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=MD5, ' +
      'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, ' +
      'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, ' +
      'response="8ca523f5e9506fed4657c9700eebdbec", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
    const parsed = parseDigestAuthorization(header);
    if (!parsed.ok) throw new Error(parsed.code);
    const p = (k: string) => parsed.params.get(k) ?? "";
    const ha1 = digestHa1("MD5", p("username"), p("realm"), RFC.password);
    const response = digestResponse({ algorithm: "MD5", ha1, method: "GET", uri: p("uri"), nonce: p("nonce"), nc: p("nc"), cnonce: p("cnonce"), qop: p("qop") });
    expect(response).toBe(p("response"));
  });

  it("hashes UTF-8", () => {
    expect(digestHash("MD5", "ä")).toBe("8419b71c87a225a2c70b50486fbee545");
  });
});

describe("parseAlgorithm", () => {
  it("absent means MD5; names are case-insensitive", () => {
    expect(parseAlgorithm(undefined)).toEqual({ ok: true, algorithm: "MD5" });
    expect(parseAlgorithm("md5")).toEqual({ ok: true, algorithm: "MD5" });
    expect(parseAlgorithm("sha-256")).toEqual({ ok: true, algorithm: "SHA-256" });
  });

  it.each(["MD5-sess", "SHA-256-sess", "SHA-512-256", "SHA256", ""])("refuses %j", (name) => {
    expect(parseAlgorithm(name)).toEqual({ ok: false, code: "UNSUPPORTED_ALGORITHM" });
  });
});
