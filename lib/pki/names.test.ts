import * as asn1js from "asn1js";
import { join } from "node:path";
import * as pkijs from "pkijs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseError } from "@/lib/errors";
import { certificateWithName, openssl, opensslBytes, opensslSubject, opensslTempDir } from "@/test/support/openssl";
import { OPENSSL_SHORT_NAMES, concatBytes, encodeTlv } from "./asn1";
import {
  buildNameDer, canonicalDn, clusterMemberKey, commonNameOf, decodeName, formatRfc2253, mongodEdgeCases, parseRfc2253, parseX509UserName, subjectFieldsOf, toPkijsName,
  type SubjectFields,
} from "./names";

// OpenSSL is the oracle: every subject below is turned into a certificate, and our string must be
// byte-equal to what `openssl x509 -noout -subject -nameopt RFC2253` prints for it.

const tmp = opensslTempDir();
let keyPath = "";
beforeAll(() => {
  keyPath = join(tmp.dir, "key.pem");
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyPath]);
});
afterAll(() => tmp.cleanup());

/** A certificate made by `openssl req` itself from a `-subj` string (so OpenSSL encodes the name). */
const certFromSubj = (subj: string) =>
  new Uint8Array(opensslBytes(["req", "-new", "-x509", "-key", keyPath, "-subj", subj, "-utf8", "-multivalue-rdn", "-days", "1", "-outform", "DER"]));
const subjectOf = (certDer: Uint8Array) => new Uint8Array(pkijs.Certificate.fromBER(Uint8Array.from(certDer)).subject.valueBeforeDecode);

// Names built by hand, for string types and structures `openssl req -subj` cannot produce.
const T = { UTF8: 0x0c, PRINTABLE: 0x13, T61: 0x14, IA5: 0x16, UNIVERSAL: 0x1c, BMP: 0x1e, SEQ: 0x30, OCTET: 0x04, VISIBLE: 0x1a };
const oidDer = (oid: string) => new Uint8Array(new asn1js.ObjectIdentifier({ value: oid }).toBER());
const utf8 = (s: string) => new TextEncoder().encode(s);
const bmp = (s: string) => Uint8Array.from([...s].flatMap((c) => [c.charCodeAt(0) >> 8, c.charCodeAt(0) & 0xff]));
const ucs4 = (s: string) => Uint8Array.from([...s].flatMap((c) => { const p = c.codePointAt(0)!; return [p >>> 24, (p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff]; }));
const atv = (oid: string, tag: number, content: Uint8Array | string) => encodeTlv(0x30, oidDer(oid), encodeTlv(tag, typeof content === "string" ? utf8(content) : content));
/** Each argument is one RDN: a SET of its attributes, in the order given (not DER-sorted). */
const nameDer = (...rdns: Uint8Array[][]) => encodeTlv(0x30, ...rdns.map((r) => encodeTlv(0x31, ...r)));
const CN = "2.5.4.3", O = "2.5.4.10";
const cn = (v: string, tag = T.UTF8) => nameDer([atv(CN, tag, v)]);

type Case = { label: string; subj?: string; der?: Uint8Array; expected?: string };
const ORDINARY: Case[] = [
  { label: "notes example, DER order C..CN", subj: "/C=US/ST=NY/L=New York/O=MongoDB/OU=Clients/CN=myName", expected: "CN=myName,OU=Clients,O=MongoDB,L=New York,ST=NY,C=US" },
  { label: "comma", subj: "/CN=Doe, John", expected: "CN=Doe\\, John" },
  { label: "plus", subj: "/CN=a\\+b", expected: "CN=a\\+b" },
  { label: "double quote", subj: '/CN=say "hi"', expected: 'CN=say \\"hi\\"' },
  { label: "backslash", subj: "/CN=back\\\\slash", expected: "CN=back\\\\slash" },
  { label: "angle brackets", subj: "/CN=<tag>", expected: "CN=\\<tag\\>" },
  { label: "semicolon", subj: "/CN=semi;colon", expected: "CN=semi\\;colon" },
  { label: "all specials at once", subj: '/CN=,\\+"\\\\<>;', expected: 'CN=\\,\\+\\"\\\\\\<\\>\\;' },
  { label: "leading and trailing spaces", subj: "/O= lead/CN=trail ", expected: "CN=trail\\ ,O=\\ lead" },
  { label: "leading #", subj: "/CN=#hash", expected: "CN=\\#hash" },
  { label: "# inside is plain", subj: "/CN=a#b", expected: "CN=a#b" },
  { label: "punctuation that is never escaped", subj: "/CN=a=b!$%&'()*?@[]^_`{|}~", expected: "CN=a=b!$%&'()*?@[]^_`{|}~" },
  { label: "UTF-8 ö", subj: "/CN=Jöhn", expected: "CN=J\\C3\\B6hn" },
  { label: "UTF-8 CJK", subj: "/O=日本/CN=x", expected: "CN=x,O=\\E6\\97\\A5\\E6\\9C\\AC" },
  { label: "UTF-8 emoji", subj: "/CN=hi 😀", expected: "CN=hi \\F0\\9F\\98\\80" },
  { label: "emailAddress", subj: "/O=Example/CN=alice/emailAddress=alice@example.com", expected: "emailAddress=alice@example.com,CN=alice,O=Example" },
  { label: "multi-valued CN+UID", subj: "/O=Multi/CN=alice+UID=a1", expected: "UID=a1+CN=alice,O=Multi" },
  { label: "three-valued RDN", subj: "/C=US/CN=c+O=o+DC=d", expected: "DC=d+O=o+CN=c,C=US" },
  { label: "DC components", subj: "/DC=com/DC=example/CN=svc", expected: "CN=svc,DC=example,DC=com" },
  { label: "UID and serialNumber", subj: "/serialNumber=12345/UID=jdoe/CN=John Doe", expected: "CN=John Doe,UID=jdoe,serialNumber=12345" },
  { label: "more short names", subj: "/street=1 Main St/postalCode=10001/businessCategory=Private Organization/jurisdictionC=US/jurisdictionST=DE/jurisdictionL=Dover/SN=Doe/GN=Jane/title=Dr/initials=JD/generationQualifier=III/dnQualifier=q1/pseudonym=jd/name=Jane Doe/CN=x" },
  { label: "short names outside the X.520 arcs (msUPN, id-pda-gender)", der: nameDer([atv("1.3.6.1.4.1.311.20.2.3", T.UTF8, "alice@corp.example")], [atv("1.3.6.1.5.5.7.9.3", T.PRINTABLE, "F")], [atv(CN, T.UTF8, "alice")]), expected: "CN=alice,id-pda-gender=F,msUPN=alice@corp.example" },
  { label: "an OID two objects share is named as OpenSSL names it", der: nameDer([atv("1.3", T.UTF8, "o")]), expected: "ORG=o" },
  { label: "64-character CN", subj: `/CN=${"x".repeat(64)}` },
  { label: "very long CN (300 characters, over the RFC bound)", der: cn("L".repeat(300)), expected: `CN=${"L".repeat(300)}` },
  { label: "empty value", der: nameDer([atv(O, T.UTF8, "x")], [atv(CN, T.UTF8, "")]), expected: "CN=,O=x" },
  { label: "unsorted multi-valued RDN keeps encoded order, reversed", der: nameDer([atv(O, T.UTF8, "z"), atv(CN, T.UTF8, "a")]), expected: "CN=a+O=z" },
  { label: "TeletexString read as Latin-1", der: nameDer([atv(CN, T.T61, Uint8Array.from([0x4a, 0xf6, 0x68, 0x6e]))]), expected: "CN=J\\C3\\B6hn" },
  { label: "PrintableString", der: cn("Plain", T.PRINTABLE), expected: "CN=Plain" },
  { label: "IA5String with a high byte", der: nameDer([atv(CN, T.IA5, Uint8Array.from([0x41, 0xe9]))]), expected: "CN=A\\C3\\A9" },
  { label: "empty RDN is skipped", der: nameDer([], [atv(CN, T.UTF8, "x")]), expected: "CN=x" },
];
const EDGE: (Case & { codes: string[] })[] = [
  { label: "unknown OID", der: nameDer([atv("1.2.3.4", T.UTF8, "foo")], [atv(CN, T.UTF8, "x")]), expected: "CN=x,1.2.3.4=#0C03666F6F", codes: ["UNKNOWN_OID"] },
  { label: "unknown OID with a BMPString", der: nameDer([atv("1.2.3.4", T.BMP, bmp("ab"))]), expected: "1.2.3.4=#1E0400610062", codes: ["UNKNOWN_OID", "WIDE_STRING"] },
  { label: "known OID with a SEQUENCE value", der: nameDer([atv(CN, T.SEQ, Uint8Array.from([2, 1, 5]))]), expected: "CN=#3003020105", codes: ["NOT_A_STRING"] },
  { label: "non-minimal length re-encoded in the dump", der: encodeTlv(0x30, encodeTlv(0x31, encodeTlv(0x30, oidDer("1.2.3.4"), Uint8Array.of(0x0c, 0x81, 3, 0x61, 0x62, 0x63)))), expected: "1.2.3.4=#0C03616263", codes: ["UNKNOWN_OID"] },
  { label: "SEQUENCE value dumped as received", der: encodeTlv(0x30, encodeTlv(0x31, encodeTlv(0x30, oidDer(CN), Uint8Array.of(0x30, 0x81, 3, 2, 1, 5)))), expected: "CN=#308103020105", codes: ["NOT_A_STRING"] },
  { label: "control characters", subj: "/CN=tab\there\x01", expected: "CN=tab\\09here\\01", codes: ["CONTROL_CHAR"] },
  { label: "DEL and NUL", der: cn("a\x7fb\x00"), expected: "CN=a\\7Fb\\00", codes: ["CONTROL_CHAR"] },
  { label: "value that is exactly #", subj: "/CN=#", expected: "CN=#", codes: ["LONE_HASH"] },
  { label: "two characters ending in a space", subj: "/CN=a ", expected: "CN=a\\ ", codes: ["TWO_CHAR_TRAILING_SPACE"] },
  { label: "value that is one space", der: cn(" "), expected: "CN=\\ ", codes: [] },
  { label: "BMPString", der: nameDer([atv(CN, T.BMP, bmp("Jö日"))]), expected: "CN=J\\C3\\B6\\E6\\97\\A5", codes: ["WIDE_STRING"] },
  { label: "BMPString with spaces at both ends", der: nameDer([atv(CN, T.BMP, bmp(" x "))]), expected: "CN=\\ x\\ ", codes: ["WIDE_STRING"] },
  { label: "UniversalString", der: nameDer([atv(CN, T.UNIVERSAL, ucs4("A😀"))]), expected: "CN=A\\F0\\9F\\98\\80", codes: ["WIDE_STRING"] },
  { label: "no-break space", subj: "/CN=a\u00a0b", expected: "CN=a\\C2\\A0b", codes: ["NFKC_CHANGES"] },
  { label: "ligature", subj: "/CN=e\ufb03cient", expected: "CN=e\\EF\\AC\\83cient", codes: ["NFKC_CHANGES"] },
];

// openssl req runs once per case; the later describe blocks reuse its certificate.
const certs = new Map<Case, Uint8Array>();
const certOf = (c: Case) => certs.get(c) ?? certs.set(c, c.der ? certificateWithName(c.der) : certFromSubj(c.subj!)).get(c)!;
const derOf = (c: Case) => c.der ?? subjectOf(certOf(c));

describe("formatRfc2253 against openssl", () => {
  it("covers at least 25 subjects", () => expect(ORDINARY.length + EDGE.length).toBeGreaterThanOrEqual(25));

  for (const c of [...ORDINARY, ...EDGE]) {
    it(c.label, () => {
      const der = derOf(c);
      const ours = formatRfc2253(der);
      expect(ours).toBe(opensslSubject(certOf(c)));
      if (c.expected !== undefined) expect(ours).toBe(c.expected);
    });
  }

  it("uses OpenSSL's short name for every OID in the table", () => {
    const oids = [...OPENSSL_SHORT_NAMES.keys()];
    const der = nameDer(...oids.map((oid) => [atv(oid, T.UTF8, "v")]));
    const expected = oids.map((oid) => `${OPENSSL_SHORT_NAMES.get(oid)}=v`).reverse().join(",");
    expect(opensslSubject(certificateWithName(der))).toBe(expected);
    expect(formatRfc2253(der)).toBe(expected);
  });

  it("refuses exactly the values OpenSSL cannot load", () => {
    const bad = [
      nameDer([atv(CN, T.OCTET, "abc")]),
      nameDer([atv(CN, T.VISIBLE, "abc")]),
      nameDer([atv(CN, T.UTF8, Uint8Array.from([0x41, 0xff]))]),
      nameDer([atv(CN, T.UTF8, Uint8Array.from([0xed, 0xa0, 0x80]))]),
      nameDer([atv(CN, T.BMP, Uint8Array.from([0, 0x41, 0]))]),
      nameDer([atv(CN, T.BMP, bmp("😀"))]),
      nameDer([atv(CN, T.UNIVERSAL, Uint8Array.from([0, 0x11, 0, 0]))]),
    ];
    for (const der of bad) {
      expect(() => opensslSubject(certificateWithName(der))).toThrow(/Unable to load certificate|Could not read/);
      expect(() => formatRfc2253(der)).toThrow(GatehouseError);
      expect(mongodEdgeCases(der).map((w) => w.code)).toEqual(["UNREADABLE"]);
    }
  });

  it("rejects DER that is not a Name", () => {
    for (const der of [Uint8Array.of(0x31, 0), Uint8Array.of(0x30, 5, 0x31), concatBytes(cn("x"), Uint8Array.of(0)), nameDer([encodeTlv(0x30, oidDer(CN))])]) {
      expect(() => formatRfc2253(der)).toThrow(expect.objectContaining({ code: "VALIDATION" }));
    }
  });
});

describe("buildName", () => {
  const full: SubjectFields = { commonName: "alice", organization: "Example, Inc.", organizationalUnit: "Clients", locality: "New York", state: "NY", country: "US", email: "alice@example.com" };

  it("puts one attribute in each RDN, in the conventional order, with the right string types", () => {
    const der = buildNameDer(full);
    const cert = certificateWithName(der);
    expect(opensslSubject(cert)).toBe("emailAddress=alice@example.com,CN=alice,OU=Clients,O=Example\\, Inc.,L=New York,ST=NY,C=US");
    expect(opensslSubject(cert, "x509", "RFC2253,show_type")).toBe(
      "emailAddress=IA5STRING:alice@example.com,CN=UTF8STRING:alice,OU=UTF8STRING:Clients,O=UTF8STRING:Example\\, Inc.,L=UTF8STRING:New York,ST=UTF8STRING:NY,C=PRINTABLESTRING:US",
    );
    expect(decodeName(der).map((rdn) => rdn.length)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it("omits empty optional fields and round-trips through pkijs unchanged", () => {
    const der = buildNameDer({ commonName: "solo", organization: "" });
    expect(formatRfc2253(der)).toBe("CN=solo");
    expect(new Uint8Array(toPkijsName(der).toSchema().toBER())).toEqual(der);
  });

  it("reports every invalid field by name", () => {
    const bad = { commonName: "", organization: "o".repeat(65), organizationalUnit: "a\nb", locality: "l".repeat(129), state: "   ", country: "us", email: "ålice@example.com" };
    try {
      buildNameDer(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: "VALIDATION" });
      expect(Object.keys((e as GatehouseError).fieldErrors!).sort()).toEqual(["commonName", "country", "email", "locality", "organization", "organizationalUnit", "state"]);
    }
    expect(() => buildNameDer({ commonName: "x".repeat(65) })).toThrow(expect.objectContaining({ fieldErrors: { commonName: [expect.stringContaining("at most 64")] } }));
    expect(() => buildNameDer({ commonName: "ok", email: `${"e".repeat(250)}@x.com` })).toThrow(expect.objectContaining({ fieldErrors: { email: [expect.any(String)] } }));
    expect(buildNameDer({ commonName: "日".repeat(64), state: "s".repeat(128), email: `${"e".repeat(249)}@x.com` }).length).toBeGreaterThan(0);
  });
});

describe("mongodEdgeCases", () => {
  for (const c of EDGE) {
    it(`${c.label} → ${c.codes.join(", ") || "no warning"}`, () => expect(mongodEdgeCases(derOf(c)).map((w) => w.code).sort()).toEqual([...c.codes].sort()));
  }
  it("has nothing to say about ordinary subjects", () => {
    for (const c of ORDINARY) expect(mongodEdgeCases(derOf(c)), c.label).toEqual([]);
  });
  it("names the attribute in its message", () => {
    expect(mongodEdgeCases(cn("#"))[0]!.message).toMatch(/^CN: .*mongod/);
  });
});

describe("parseRfc2253", () => {
  it("reads back every string openssl printed, attribute for attribute", () => {
    for (const c of [...ORDINARY, ...EDGE]) {
      const der = derOf(c);
      const parsed = parseRfc2253(formatRfc2253(der));
      expect(parsed.ok, c.label).toBe(true);
      if (!parsed.ok) continue;
      const want = decodeName(der).filter((rdn) => rdn.length).reverse().map((rdn) => [...rdn].reverse());
      expect(parsed.rdns.map((rdn) => rdn.map((a) => a.oid)), c.label).toEqual(want.map((rdn) => rdn.map((a) => a.oid)));
      parsed.rdns.flat().forEach((a, i) => {
        const w = want.flat()[i]!;
        if (a.der) expect(a.der, c.label).toEqual(w.der);
        if (w.shortName && w.text !== undefined) expect(a.value, c.label).toBe(w.text);
      });
    }
  });

  it("reads back every short name OpenSSL prints, \"_\" and \"/\" included", () => {
    for (const [oid, name] of OPENSSL_SHORT_NAMES) {
      const parsed = parseRfc2253(`${name}=v`);
      expect(parsed.ok && parsed.rdns[0]![0]!.oid, name).toBe(oid);
    }
  });

  it("accepts spaces around separators and escapes in any form", () => {
    expect(parseRfc2253("CN = Doe\\2C John , OU=x\\ ,O=a\\+b")).toEqual({
      ok: true,
      rdns: [[{ type: "CN", oid: CN, value: "Doe, John" }], [{ type: "OU", oid: "2.5.4.11", value: "x " }], [{ type: "O", oid: O, value: "a+b" }]],
    });
  });

  it("fails with NOT_A_DN and a reason", () => {
    const cases: [string, RegExp][] = [
      ["", /Enter a distinguished name/],
      ["alice", /Expected an attribute/],
      ["cn=alice", /Write "CN" instead of "cn"/],
      ["XY=1", /not an attribute type/],
      ["CN=a;O=b", /Escape ";"/],
      ["CN=a\\", /not a valid escape/],
      ["CN=#zz", /Escape a leading "#"/],
      ["CN=#0C0", /odd number/],
      ["CN=#0C05", /not one DER-encoded value/],
      ["CN=\\C3", /not valid UTF-8/],
      ["CN=a,", /Expected an attribute/],
    ];
    for (const [input, message] of cases) expect(parseRfc2253(input), input).toEqual({ ok: false, code: "NOT_A_DN", message: expect.stringMatching(message) });
  });

  it("requires a CN for an X.509 user name", () => {
    expect(parseX509UserName("OU=x,O=y")).toMatchObject({ ok: false, code: "NO_COMMON_NAME" });
    expect(parseX509UserName("CN=x,O=y")).toMatchObject({ ok: true });
  });
});

describe("canonicalDn: the one string mongod compares", () => {
  const canonical = (s: string) => {
    const p = parseRfc2253(s);
    if (!p.ok) throw new Error(p.message);
    return canonicalDn(p.rdns);
  };

  it("is a fixed point on every subject openssl printed", () => {
    for (const c of [...ORDINARY, ...EDGE]) {
      const printed = opensslSubject(certOf(c));
      expect(canonical(printed), c.label).toBe(printed);
    }
  });

  it("turns every way of writing a name into what openssl prints for a certificate with it", () => {
    const cases: [string, string[]][] = [
      ["/O=Plant/CN=Jöhn", ["CN=Jöhn,O=Plant", "CN=J\\c3\\b6hn,O=Plant", "CN = Jöhn , O = Plant", "CN=#0C054AC3B6686E,O=Plant"]],
      ["/O=Plant/CN=Doe, John", ["CN=Doe\\2C John,O=Plant", "CN=Doe\\2c John,O=Plant", "CN=Doe\\, John, O=Plant"]],
      ["/O=Plant/CN=abc", ["CN=#0C03616263,O=Plant", "CN=#1303616263,O=Plant", "CN=abc ,O=Plant"]],
      ["/O=Plant/CN=a+OU=b", ["OU=b + CN=a,O=Plant", "OU=b+CN=#0C0161,O=Plant"]],
    ];
    for (const [subj, spellings] of cases) {
      const printed = opensslSubject(certFromSubj(subj));
      for (const s of spellings) expect([s, canonical(s)]).toEqual([s, printed]);
    }
  });

  it("keeps the order of a multi-valued RDN's members as written (a certificate's need not be sorted)", () => {
    expect(canonical("OU=b+CN=a,O=Plant")).toBe("OU=b+CN=a,O=Plant");
  });
});

describe("subject fields", () => {
  it("reads the form fields, the DCs and the most specific CN", () => {
    const der = subjectOf(certFromSubj("/DC=com/DC=example/C=DE/O=Örg/OU=Ops/CN=first/CN=second/emailAddress=a@b.c"));
    expect(subjectFieldsOf(der)).toEqual({ domainComponents: ["com", "example"], country: "DE", organization: "Örg", organizationalUnit: "Ops", commonName: "second", email: "a@b.c" });
    expect(commonNameOf(der)).toBe("second");
    expect(commonNameOf(nameDer([atv(O, T.UTF8, "x")]))).toBeUndefined();
  });

  it("gives the same cluster key to subjects that share O, OU and DC, in any order", () => {
    const a = subjectOf(certFromSubj("/DC=com/O=Acme/OU=Db/CN=server1"));
    const b = subjectOf(certFromSubj("/O=Acme/DC=com/OU=Db/CN=client"));
    expect(clusterMemberKey(a)).toBe(clusterMemberKey(b));
    expect(clusterMemberKey(subjectOf(certFromSubj("/DC=com/O=Acme/OU=Clients/CN=client")))).not.toBe(clusterMemberKey(a));
    expect(clusterMemberKey(cn("x"))).toBeUndefined();
  });
});
