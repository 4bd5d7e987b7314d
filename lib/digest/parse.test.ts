import { describe, expect, it } from "vitest";
import { parseDigestAuthorization } from "./parse";

const params = (header: string) => {
  const r = parseDigestAuthorization(header);
  if (!r.ok) throw new Error(`expected a parse, got ${r.code}`);
  return Object.fromEntries(r.params);
};
const code = (header: string | null | undefined) => {
  const r = parseDigestAuthorization(header);
  return r.ok ? "OK" : r.code;
};

describe("parseDigestAuthorization", () => {
  it("reads quoted and bare values as Go's client, curl and urllib send them", () => {
    expect(params('Digest username="abcdefgh", realm="MMS Public API", nonce="n-1_x", uri="/api/atlas/v2/groups?pageNum=1", response="00ff", algorithm="MD5", qop=auth, nc=00000001, cnonce="c0ffee"')).toEqual({
      username: "abcdefgh", realm: "MMS Public API", nonce: "n-1_x", uri: "/api/atlas/v2/groups?pageNum=1", response: "00ff", algorithm: "MD5", qop: "auth", nc: "00000001", cnonce: "c0ffee",
    });
  });

  it("unescapes quoted-pairs and keeps commas, equals signs and spaces inside quotes", () => {
    expect(params('Digest username="a\\"b\\\\c", cnonce="x, y=z", opaque=""')).toEqual({ username: 'a"b\\c', cnonce: "x, y=z", opaque: "" });
  });

  it("takes scheme and parameter names case-insensitively, values as sent", () => {
    expect(params('dIgEsT UserName="Ab", QOP=Auth')).toEqual({ username: "Ab", qop: "Auth" });
  });

  it("allows whitespace around `=` and commas, tabs, and empty list elements", () => {
    expect(params('  Digest \t username = "a" ,\tnc=00000001 , , realm="r",  ')).toEqual({ username: "a", nc: "00000001", realm: "r" });
  });

  it("reads an unquoted uri and a username* ext-value as bare values", () => {
    expect(params("Digest uri=/a/b?c=d, username*=UTF-8''J%C3%A4s%C3%B8n")).toEqual({ uri: "/a/b?c=d", "username*": "UTF-8''J%C3%A4s%C3%B8n" });
  });

  it("answers MISSING for no header and NOT_DIGEST for another scheme", () => {
    expect(code(undefined)).toBe("MISSING");
    expect(code(null)).toBe("MISSING");
    expect(code("  ")).toBe("MISSING");
    expect(code("Basic YWJjOmRlZg==")).toBe("NOT_DIGEST");
    expect(code('Bearer x, Digest username="a"')).toBe("NOT_DIGEST");
    expect(code('DigestX username="a"')).toBe("NOT_DIGEST");
  });

  it("refuses a repeated parameter, whatever its case", () => {
    expect(code('Digest username="a", username="b"')).toBe("DUPLICATE_PARAMETER");
    expect(code('Digest uri="/a", URI="/b"')).toBe("DUPLICATE_PARAMETER");
  });

  it.each([
    ["no parameters", "Digest"],
    ["only commas", "Digest , ,"],
    ["no space after the scheme", 'Digest,username="a"'],
    ["no scheme", '="a"'],
    ["unterminated quote", 'Digest username="a'],
    ["escape at the end", 'Digest username="a\\'],
    ["missing =", "Digest username"],
    ["empty bare value", "Digest username=, nc=1"],
    ["empty name", 'Digest ="a"'],
    ["two values without a comma", 'Digest username="a" realm="b"'],
    ["text after a quoted value", 'Digest username="a"b'],
    ["a quote in a bare value", 'Digest username=a"b"'],
    ["a backslash in a bare value", "Digest username=a\\b"],
    ["a bad name character", 'Digest user(name)="a"'],
    ["CR LF", 'Digest username="a"\r\nX-Injected: 1'],
    ["NUL", 'Digest username="a\0"'],
    ["too long", `Digest username="${"a".repeat(9000)}"`],
  ])("refuses %s as MALFORMED", (_, header) => {
    expect(code(header)).toBe("MALFORMED");
  });

  it("does not let a parameter named __proto__ reach an object prototype", () => {
    const r = parseDigestAuthorization('Digest __proto__="x", constructor="y"');
    expect(r.ok && r.params.get("__proto__")).toBe("x");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
