import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openssl, opensslEcKey, opensslIssue, opensslTempDir } from "@/test/support/openssl";
import { parseCertificate } from "./certificate";
import { CERTIFICATE_LABELS, fromPem } from "./pem";
import { DerError } from "./asn1";
import { nameConstraintViolation, readCertificateNames, readNameConstraints, type ChainLink } from "./name-constraints";

// openssl verify is the oracle: certificates made by openssl under a name-constrained CA, each
// verified by openssl and decided by nameConstraintViolation; the two must agree, case by case.

const dir = opensslTempDir();
const f = (name: string) => join(dir.dir, name);
afterAll(() => dir.cleanup());

const der = (name: string) => fromPem(readFileSync(f(name), "utf8"), CERTIFICATE_LABELS).der;

const ROOT_CNF = `[req]
distinguished_name=dn
[dn]
[v3]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
nameConstraints=critical,@nc
[nc]
permitted;DNS.0=example.com
permitted;DNS.1=.corp.test
excluded;DNS.0=bad.example.com
excluded;IP.0=10.9.0.0/255.255.0.0
permitted;IP.0=10.0.0.0/255.0.0.0
permitted;IP.1=fd00:0:0:0:0:0:0:0/ffff:0:0:0:0:0:0:0
permitted;email.0=example.com
permitted;email.1=.mail.test
permitted;email.2=boss@corp.test
permitted;URI.0=.example.com
permitted;dirName.0=dir_sect
[dir_sect]
O=Example Org
`;

let n = 0;
/** An openssl-made certificate signed by `ca`, with `subject` and the extension lines given. */
function issue(subject: string, ext: string, ca = "root"): string {
  const name = `c${n++}`;
  const extFile = dir.file(`${name}.ext`, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n${ext}\n`);
  opensslIssue({ key: opensslEcKey(f(`${name}.key`)), subject, caCert: f(`${ca}.pem`), caKey: f(`${ca}.key`), extFile, out: f(`${name}.pem`) });
  return name;
}

/** openssl verify's verdict: null when it verifies, or its error line. */
function opensslVerdict(name: string, untrusted: string[] = []): string | null {
  try {
    openssl(["verify", "-CAfile", f("root.pem"), ...untrusted.flatMap((u) => ["-untrusted", f(`${u}.pem`)]), f(`${name}.pem`)]);
    return null;
  } catch (err) {
    return /error \d+ at \d+ depth lookup: ([^\n]+)/.exec(String(err))?.[1] ?? String(err);
  }
}

const link = (name: string, alias: string): ChainLink => {
  const info = parseCertificate(der(`${name}.pem`));
  return { alias, subjectDer: info.subjectDer, sans: info.sans, selfIssued: info.selfIssued, constraints: readNameConstraints(info.der) };
};

beforeAll(() => {
  dir.file("root.cnf", ROOT_CNF);
  opensslEcKey(f("root.key"));
  openssl(["req", "-new", "-x509", "-key", f("root.key"), "-subj", "/O=Example Org/CN=Constrained Root", "-days", "365", "-config", f("root.cnf"), "-extensions", "v3", "-out", f("root.pem")]);
});

describe("name constraints, as openssl verify decides them", () => {
  it("reads the extension as openssl wrote it", () => {
    const nc = readNameConstraints(der("root.pem"))!;
    expect(nc.permitted.map((s) => s.text)).toEqual([
      "DNS:example.com", "DNS:.corp.test", "IP:10.0.0.0/255.0.0.0", "IP:fd00:0000:0000:0000:0000:0000:0000:0000/ffff:0000:0000:0000:0000:0000:0000:0000",
      "email:example.com", "email:.mail.test", "email:boss@corp.test", "URI:.example.com", "DirName:O=Example Org",
    ]);
    expect(nc.excluded.map((s) => s.text)).toEqual(["DNS:bad.example.com", "IP:10.9.0.0/255.255.0.0"]);
  });

  const ok = "/O=Example Org/CN=db";
  const cases: [string, string, string][] = [
    ["a DNS name below a permitted domain", ok, "subjectAltName=DNS:db.example.com"],
    ["the permitted domain itself", ok, "subjectAltName=DNS:example.com"],
    ["a wildcard below it", ok, "subjectAltName=DNS:*.example.com"],
    ["a name that only ends like it", ok, "subjectAltName=DNS:badexample.com"],
    ["an excluded name", ok, "subjectAltName=DNS:bad.example.com"],
    ["a name below an excluded one", ok, "subjectAltName=DNS:x.bad.example.com"],
    ["below a leading-dot domain", ok, "subjectAltName=DNS:a.corp.test"],
    ["a leading-dot domain itself", ok, "subjectAltName=DNS:corp.test"],
    ["upper-case DNS", ok, "subjectAltName=DNS:DB.EXAMPLE.COM"],
    ["an IPv4 address in the range", ok, "subjectAltName=DNS:db.example.com,IP:10.1.2.3"],
    ["an IPv4 address outside it", ok, "subjectAltName=DNS:db.example.com,IP:11.0.0.1"],
    ["an IPv4 address in an excluded range", ok, "subjectAltName=DNS:db.example.com,IP:10.9.1.1"],
    ["an IPv4-mapped IPv6 address", ok, "subjectAltName=IP:::ffff:10.0.0.1"],
    ["an IPv6 address in the range", ok, "subjectAltName=IP:fd00::1"],
    ["an IPv6 address outside it", ok, "subjectAltName=IP:fe80::1"],
    ["a mailbox of the permitted host", ok, "subjectAltName=email:ops@example.com"],
    ["a mailbox of a subdomain of a host-only constraint", ok, "subjectAltName=email:ops@sub.example.com"],
    ["a mailbox below a leading-dot domain", ok, "subjectAltName=email:x@a.mail.test"],
    ["a mailbox of the leading-dot domain itself", ok, "subjectAltName=email:x@mail.test"],
    ["the one permitted mailbox", ok, "subjectAltName=email:boss@corp.test"],
    ["another mailbox of that host", ok, "subjectAltName=email:Boss@corp.test"],
    ["a URI whose host is below the domain", ok, "subjectAltName=URI:https://api.example.com/x"],
    ["a URI on the domain itself", ok, "subjectAltName=URI:https://example.com/x"],
    ["a URI with a port", ok, "subjectAltName=URI:https://api.example.com:8443/x"],
    ["a URI without a host", ok, "subjectAltName=URI:urn:example:x"],
    ["a subject outside the permitted directory name", "/O=Other/CN=db", "subjectAltName=DNS:db.example.com"],
    ["a subject that differs in case and spaces only", "/O=EXAMPLE   org/CN=db", "subjectAltName=DNS:db.example.com"],
    ["a host-name CN outside, without DNS names", "/O=Example Org/CN=host.other.com", ""],
    ["a host-name CN inside, without DNS names", "/O=Example Org/CN=host.example.com", ""],
    ["a CN that is no host name", "/O=Example Org/CN=plain-name", ""],
    ["a host-name CN outside beside a DNS name (not checked)", "/O=Example Org/CN=host.other.com", "subjectAltName=DNS:db.example.com"],
    ["an emailAddress in the subject outside", "/O=Example Org/CN=db/emailAddress=a@other.com", "subjectAltName=DNS:db.example.com"],
    ["an emailAddress in the subject inside", "/O=Example Org/CN=db/emailAddress=a@example.com", "subjectAltName=DNS:db.example.com"],
  ];

  it.each(cases)("%s: the same verdict as openssl verify", (_what, subject, ext) => {
    const name = issue(subject, ext);
    const theirs = opensslVerdict(name);
    const info = parseCertificate(der(`${name}.pem`));
    const ours = nameConstraintViolation({ subjectDer: info.subjectDer, sans: info.sans }, [link("root", "root")]);
    // The shields read the names with the DER reader: the same names as the full parser's.
    const read = readCertificateNames(der(`${name}.pem`));
    expect({ subject: Buffer.from(read.subjectDer).toString("hex"), sans: read.sans }).toEqual({ subject: info.subjectDer.toString("hex"), sans: info.sans });
    // The same verdict, for the same reason (openssl's errors 47, 48 and 53).
    const why = (m: string | undefined) => (m === undefined ? null : /permitted subtree|is outside/.test(m) ? "permitted" : /excluded/.test(m) ? "excluded" : /name syntax|cannot check/.test(m) ? "syntax" : m);
    expect({ ours: why(ours?.message), message: ours?.message }).toMatchObject({ ours: why(theirs ?? undefined) });
  });

  it("says which name, and what the CA permits", () => {
    const name = issue(ok, "subjectAltName=DNS:db.other.com");
    const info = parseCertificate(der(`${name}.pem`));
    expect(nameConstraintViolation({ subjectDer: info.subjectDer, sans: info.sans }, [link("root", "corp-root")])).toMatchObject({
      ca: "corp-root",
      brokenChain: false,
      message: 'the DNS name "db.other.com" is outside its name constraints, which permit only DNS:example.com, DNS:.corp.test',
    });
    const excluded = parseCertificate(der(`${issue(ok, "subjectAltName=DNS:bad.example.com")}.pem`));
    expect(nameConstraintViolation({ subjectDer: excluded.subjectDer, sans: excluded.sans }, [link("root", "corp-root")])?.message).toBe('the DNS name "bad.example.com" is excluded by its name constraint DNS:bad.example.com');
  });

  it("a constraint on an intermediate (under an unconstrained root) binds what it issues", () => {
    const plain = `p${n++}`;
    opensslEcKey(f(`${plain}.key`));
    openssl(["req", "-new", "-x509", "-key", f(`${plain}.key`), "-subj", "/CN=Plain Root", "-days", "365", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", f(`${plain}.pem`)]);
    const int = `i${n++}`;
    opensslEcKey(f(`${int}.key`));
    const caExt = dir.file(`${int}.ext`, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nnameConstraints=critical,permitted;DNS:site.example\n");
    opensslIssue({ key: f(`${int}.key`), subject: "/CN=Site CA", caCert: f(`${plain}.pem`), caKey: f(`${plain}.key`), extFile: caExt, out: f(`${int}.pem`) });
    const verdict = (leaf: string) => {
      try {
        return openssl(["verify", "-CAfile", f(`${plain}.pem`), "-untrusted", f(`${int}.pem`), f(`${leaf}.pem`)]) && null;
      } catch (err) {
        return String(err);
      }
    };
    for (const [san, rejected] of [["DNS:db.site.example", false], ["DNS:db.other.example", true]] as const) {
      const leaf = issue("/CN=db", `subjectAltName=${san}`, int);
      expect(verdict(leaf) !== null, san).toBe(rejected);
      const info = parseCertificate(der(`${leaf}.pem`));
      expect(nameConstraintViolation({ subjectDer: info.subjectDer, sans: info.sans }, [link(int, "site-ca"), link(plain, "plain-root")])?.ca ?? null, san).toBe(rejected ? "site-ca" : null);
    }
  });

  it("a constraint extension openssl cannot read fails to read here too, and an address of an odd length does not crash the check", () => {
    const bad = `b${n++}`;
    opensslEcKey(f(`${bad}.key`));
    // A directoryName constraint whose name holds a SEQUENCE where an RDN (a SET) belongs.
    openssl(["req", "-new", "-x509", "-key", f(`${bad}.key`), "-subj", "/CN=Odd Root", "-days", "365", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-addext", "nameConstraints=critical,DER:300aa0083006a40430023000", "-out", f(`${bad}.pem`)]);
    expect(() => readNameConstraints(der(`${bad}.pem`))).toThrow(DerError);
    const nc = readNameConstraints(der("root.pem"))!;
    // An iPAddress SAN of 18 bytes, as sansOf writes it: not an address OpenSSL can check.
    const odd = { subjectDer: parseCertificate(der("root.pem")).subjectDer, sans: { ip: ["101:101:101:101:101:101:101:101:101"] } };
    expect(nameConstraintViolation(odd, [{ alias: "root", selfIssued: true, ...odd, constraints: nc }])?.message).toMatch(/neither IPv4 nor IPv6, so OpenSSL cannot check it/);
  });

  it("checks the chain too: an intermediate outside its root's constraints breaks everything below it; a self-issued one is not checked", () => {
    // An intermediate whose own DNS name breaks the root's constraints.
    const int = `i${n++}`;
    opensslEcKey(f(`${int}.key`));
    const caExt = dir.file(`${int}.ext`, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectAltName=DNS:ca.other.com\n");
    opensslIssue({ key: f(`${int}.key`), subject: "/O=Example Org/CN=Issuing CA", caCert: f("root.pem"), caKey: f("root.key"), extFile: caExt, out: f(`${int}.pem`) });
    const leaf = issue(ok, "subjectAltName=DNS:db.example.com", int);
    expect(opensslVerdict(leaf, [int])).toMatch(/subtree violation/i);
    const info = parseCertificate(der(`${leaf}.pem`));
    expect(nameConstraintViolation({ subjectDer: info.subjectDer, sans: info.sans }, [link(int, "issuing"), link("root", "root")])).toMatchObject({ ca: "root", brokenChain: true, subject: '"issuing"' });
    // The same intermediate, were it self-issued (a rollover link), would not be a subject.
    expect(nameConstraintViolation({ subjectDer: info.subjectDer, sans: info.sans }, [{ ...link(int, "issuing"), selfIssued: true }, link("root", "root")])).toBeNull();
  });
});
