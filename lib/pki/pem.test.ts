import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openssl, opensslBytes, opensslTempDir } from "@/test/support/openssl";
import { decodeCertificateInput, decodePemOrDer, fromPem, pemBlocks, toPem } from "./pem";

const tmp = opensslTempDir();
let keyPath = "";
let certPem = "";
let certDer = new Uint8Array();
let csrPem = "";

beforeAll(() => {
  keyPath = join(tmp.dir, "key.pem");
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyPath]);
  certPem = openssl(["req", "-new", "-x509", "-key", keyPath, "-subj", "/CN=pem test", "-days", "1"]);
  certDer = new Uint8Array(opensslBytes(["x509", "-outform", "DER"], { input: certPem }));
  csrPem = openssl(["req", "-new", "-key", keyPath, "-subj", "/CN=pem test"]);
});
afterAll(() => tmp.cleanup());

const badPem = (message: RegExp) => expect.objectContaining({ code: "BAD_PEM", message: expect.stringMatching(message) });

describe("toPem", () => {
  it("writes 64-character lines and a trailing newline, byte-equal to openssl's PEM", () => {
    const pem = toPem("CERTIFICATE", certDer);
    expect(pem).toBe(certPem);
    const body = pem.split("\n").slice(1, -2);
    expect(body.slice(0, -1).every((l) => l.length === 64)).toBe(true);
    expect(pem.endsWith("-----END CERTIFICATE-----\n")).toBe(true);
    expect(openssl(["x509", "-noout", "-subject"], { input: pem })).toBe("subject=CN = pem test\n");
  });

  it("handles a body that is an exact multiple of 48 bytes", () => {
    const pem = toPem("X", new Uint8Array(96));
    expect(pem.split("\n")).toEqual(["-----BEGIN X-----", "A".repeat(64), "A".repeat(64), "-----END X-----", ""]);
  });
});

describe("fromPem and pemBlocks", () => {
  it("reads what openssl wrote", () => {
    expect(fromPem(certPem, ["CERTIFICATE"])).toEqual({ label: "CERTIFICATE", der: certDer, headers: {} });
  });

  it("tolerates CRLF, a BOM, indentation and text around the block", () => {
    const messy = `\uFEFFHere is my certificate:\r\n  ${certPem.replace(/\n/g, "\r\n  ")}\r\nthanks`;
    expect(fromPem(messy, ["CERTIFICATE"]).der).toEqual(certDer);
  });

  it("reads openssl pkcs12 output with Bag Attributes lines, in order", () => {
    const p12 = join(tmp.dir, "bundle.p12");
    openssl(["pkcs12", "-export", "-in", tmp.file("cert.pem", certPem), "-inkey", keyPath, "-passout", "pass:pw", "-out", p12]);
    const out = openssl(["pkcs12", "-in", p12, "-passin", "pass:pw", "-nodes"]);
    expect(out).toContain("Bag Attributes");
    const blocks = pemBlocks(out);
    expect(blocks.map((b) => b.label)).toEqual(["CERTIFICATE", "PRIVATE KEY"]);
    expect(blocks[0]!.der).toEqual(certDer);
    expect(fromPem(out, ["PRIVATE KEY"]).label).toBe("PRIVATE KEY");
  });

  it("returns the RFC 1421 headers of a traditional encrypted key", () => {
    const enc = openssl(["pkey", "-in", keyPath, "-traditional", "-aes128", "-passout", "pass:pw"]);
    const [block] = pemBlocks(enc);
    expect(block!.label).toBe("EC PRIVATE KEY");
    expect(block!.headers["Proc-Type"]).toBe("4,ENCRYPTED");
    expect(block!.headers["DEK-Info"]).toMatch(/^AES-128-CBC,[0-9A-F]{32}$/);
    expect(block!.der.length).toBeGreaterThan(100);
  });

  it("returns [] for text without blocks, and every block of a chain", () => {
    expect(pemBlocks("nothing here")).toEqual([]);
    expect(pemBlocks(certPem + certPem)).toHaveLength(2);
  });

  it("says what is wrong", () => {
    const lines = certPem.trimEnd().split("\n");
    expect(() => fromPem("hello", ["CERTIFICATE"])).toThrow(badPem(/No PEM block found/));
    expect(() => fromPem(csrPem, ["CERTIFICATE"])).toThrow(badPem(/^This is a CERTIFICATE REQUEST, but a CERTIFICATE is expected here\.$/));
    expect(() => fromPem(certPem, ["PRIVATE KEY", "ENCRYPTED PRIVATE KEY"])).toThrow(badPem(/This is a CERTIFICATE, but a PRIVATE KEY/));
    expect(() => fromPem(lines.slice(0, -3).join("\n"), ["CERTIFICATE"])).toThrow(badPem(/no "-----END CERTIFICATE-----" line; the file is truncated/));
    const corrupt = [...lines];
    corrupt[2] = corrupt[2]!.slice(0, 10) + "*" + corrupt[2]!.slice(11);
    expect(() => fromPem(corrupt.join("\n"), ["CERTIFICATE"])).toThrow(badPem(/not valid base64 \(line 3\)/));
    const shortened = [...lines];
    shortened[2] = shortened[2]!.slice(0, 61);
    expect(() => fromPem(shortened.join("\n"), ["CERTIFICATE"])).toThrow(badPem(/length is wrong/));
    const padded = [...lines];
    padded.splice(2, 0, "AA==");
    expect(() => fromPem(padded.join("\n"), ["CERTIFICATE"])).toThrow(badPem(/not valid base64 \(line 4\)/));
    expect(() => fromPem(`${lines.slice(0, -1).join("\n")}\n-----END X509 CRL-----`, ["CERTIFICATE"])).toThrow(badPem(/ends as X509 CRL/));
    expect(() => fromPem("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n", ["CERTIFICATE"])).toThrow(badPem(/is empty/));
    expect(() => fromPem(`${lines.slice(0, 3).join("\n")}\n${certPem}`, ["CERTIFICATE"])).toThrow(badPem(/truncated/));
  });
});

describe("decodeCertificateInput", () => {
  it("accepts DER and PEM", () => {
    expect(decodeCertificateInput(certDer).der).toEqual(certDer);
    expect(decodeCertificateInput(new TextEncoder().encode(certPem)).der).toEqual(certDer);
  });

  it("rejects empty, truncated DER and the wrong kind of PEM", () => {
    expect(() => decodeCertificateInput(new Uint8Array())).toThrow(badPem(/empty/));
    expect(() => decodeCertificateInput(certDer.slice(0, certDer.length - 10))).toThrow(badPem(/DER, but it is truncated/));
    expect(() => decodeCertificateInput(new TextEncoder().encode(csrPem))).toThrow(badPem(/CERTIFICATE REQUEST, but a CERTIFICATE/));
    expect(() => decodeCertificateInput(Uint8Array.of(0xde, 0xad))).toThrow(badPem(/No PEM block/));
  });

  it("reads a CSR in either form when asked for one", () => {
    const csrDer = new Uint8Array(opensslBytes(["req", "-outform", "DER"], { input: csrPem }));
    expect(decodePemOrDer(csrDer, ["CERTIFICATE REQUEST"]).der).toEqual(csrDer);
    expect(decodePemOrDer(new TextEncoder().encode(csrPem), ["CERTIFICATE REQUEST"]).der).toEqual(csrDer);
  });
});

describe("large PEM blocks", () => {
  it("decode in time that grows with their size, not its square (1 MB in 4-character lines)", () => {
    const der = Buffer.alloc(750_000, 7);
    const b64 = der.toString("base64");
    const text = `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,4}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
    const t0 = performance.now();
    const [block] = pemBlocks(text);
    // It took ~23 s for half this size when each line re-scanned the text built so far.
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(Buffer.from(block!.der).equals(der)).toBe(true);
  });
});
