import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { auditTrail, createTestRuntime, ctxFor, failureOf, seedTenants, type TestRuntime } from "@/test/support/runtime";
import { openssl, opensslEcKey, opensslIssue, opensslTempDir } from "@/test/support/openssl";
import { createEntry } from "./create";
import { requestCsr, signCsr } from "./csr";
import { exportCertificate, exportWithPrivateKey } from "./export";
import { importIntoKeystore } from "./import";
import { getEntryDetails, listKeystore } from "./queries";

let rt: TestRuntime;
let t: Awaited<ReturnType<typeof seedTenants>>;
beforeEach(async () => {
  rt = createTestRuntime();
  t = await seedTenants(rt);
});
afterEach(() => rt.close());

const fail = failureOf;
const text = (f: { base64: string }) => Buffer.from(f.base64, "base64").toString("utf8");

/** The list's shield for an entry of project A, by alias. */
const shieldOfAlias = async (ctx: Awaited<ReturnType<typeof ctxFor>>, alias: string) => (await listKeystore(ctx, t.projectA, { q: alias })).items.find((i) => i.alias === alias)!.trust;
/** A PEM certificate file as openssl reads it, base64 for Import. */
const certFileBase64 = (file: string) => Buffer.from(openssl(["x509", "-in", file])).toString("base64");

const newEntry = (over: Record<string, unknown>) => ({
  projectId: t.projectA,
  keyAlgorithm: "EC-P-256",
  validityDays: "365",
  password: "entry-password",
  confirmPassword: "entry-password",
  signedBy: "self",
  organization: "Plant Ops",
  country: "US",
  ...over,
});

describe("the Niagara seed, steps 1.1 and 1.3, through the use cases", () => {
  it("CA → Client → Cert Request → Certificate Signer → import the .pem → green shield; openssl agrees", async () => {
    const owner = await ctxFor(rt, t.ownerA.id);
    await createEntry(owner, newEntry({ alias: "plant-ca", usage: "CA", commonName: "Plant CA", password: "ca-password", confirmPassword: "ca-password", trustAnchor: "on", validityDays: "3650" }));
    const client = await createEntry(owner, newEntry({ alias: "niagara", usage: "Client", commonName: "niagara-station", organizationalUnit: "Stations" }));

    let list = await listKeystore(owner, t.projectA, {});
    expect(list.items.map((i) => [i.alias, i.trust.shield, i.trust.code])).toEqual([
      ["niagara", "yellow", "SELF_SIGNED"],
      ["plant-ca", "green", "TRUSTED_ANCHOR"],
    ]);

    expect((await listKeystore(owner, t.projectA, { status: "yellow" })).items.map((i) => i.alias)).toEqual(["niagara"]);
    expect((await listKeystore(owner, t.projectA, { status: "green" })).items.map((i) => i.alias)).toEqual(["plant-ca"]);
    expect(list.counts).toEqual({ green: 1, yellow: 1, red: 0 });
    const csr = await requestCsr(owner, { projectId: t.projectA, entryId: client.id, password: "entry-password" });
    expect(csr.filename).toBe("niagara.csr");
    const dir = opensslTempDir();
    writeFileSync(join(dir.dir, "req.csr"), text(csr));
    expect(openssl(["req", "-in", join(dir.dir, "req.csr"), "-noout", "-verify"], {})).toBe("");

    expect((await fail(signCsr(owner, { projectId: t.projectA, csr: csr.base64, caAlias: "plant-ca", caPassword: "nope", usage: "Client", validityDays: "365" }))).code).toBe("BAD_PASSWORD");
    const signed = await signCsr(owner, { projectId: t.projectA, csr: csr.base64, caAlias: "plant-ca", caPassword: "ca-password", usage: "Client", validityDays: "365" });
    expect(signed.filename).toBe("niagara-station.pem");

    const imported = await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", file: signed.base64 });
    expect(imported).toMatchObject({ id: client.id, paired: true });
    list = await listKeystore(owner, t.projectA, {});
    expect(list.items.find((i) => i.alias === "niagara")?.trust).toMatchObject({ shield: "green", code: "CHAIN_TRUSTED" });

    const details = await getEntryDetails(owner, t.projectA, client.id);
    const ca = (await listKeystore(owner, t.projectA, { q: "plant-ca" })).items[0]!;
    writeFileSync(join(dir.dir, "ca.pem"), text(await exportCertificate(owner, { projectId: t.projectA, entryId: ca.id })));
    writeFileSync(join(dir.dir, "client.pem"), details.certificate.pem);
    expect(openssl(["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", join(dir.dir, "ca.pem"), join(dir.dir, "client.pem")])).toContain("OK");
    // The MongoDB user name is byte-equal to what openssl prints.
    expect(openssl(["x509", "-in", join(dir.dir, "client.pem"), "-noout", "-subject", "-nameopt", "RFC2253"]).trim()).toBe(`subject=${details.mongodbUserName}`);
    expect(details.mongodbUserName).toBe("CN=niagara-station,OU=Stations,O=Plant Ops,C=US");

    // "Export with private key" as the PEM for MongoDB drivers: openssl opens the key with the export password.
    const pem = await exportWithPrivateKey(owner, { projectId: t.projectA, entryId: client.id, password: "entry-password", format: "pem", exportPassword: "driver-pass", confirmExportPassword: "driver-pass", includeChain: "on" });
    writeFileSync(join(dir.dir, "combined.pem"), text(pem));
    expect(openssl(["pkey", "-in", join(dir.dir, "combined.pem"), "-passin", "pass:driver-pass", "-noout"])).toBe("");
    expect(text(pem).match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    dir.cleanup();

    const actions = (await auditTrail(rt)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["keystore.entry_created", "keystore.csr_created", "signer.csr_signed", "keystore.certificate_paired", "keystore.key_exported"]));
  });

  it("a CA re-certified as a Client stops vouching: what it issued is no longer green", async () => {
    const owner = await ctxFor(rt, t.ownerA.id);
    await createEntry(owner, newEntry({ alias: "root", usage: "CA", commonName: "Root", password: "ca-password", confirmPassword: "ca-password", trustAnchor: "on", validityDays: "3650" }));
    const inter = await createEntry(owner, newEntry({ alias: "inter", usage: "CA", commonName: "Inter", signedBy: "root", caPassword: "ca-password", validityDays: "1000" }));
    await createEntry(owner, newEntry({ alias: "leaf", usage: "Client", commonName: "leaf", signedBy: "inter", caPassword: "entry-password", validityDays: "300" }));
    const shield = (alias: string) => shieldOfAlias(owner, alias);
    expect(await shield("leaf")).toMatchObject({ shield: "green", code: "CHAIN_TRUSTED" });
    // Cert Request on the intermediate, signed by the root as a Client, imported: it pairs with
    // "inter", which is now a Client certificate.
    const csr = await requestCsr(owner, { projectId: t.projectA, entryId: inter.id, password: "entry-password" });
    const signed = await signCsr(owner, { projectId: t.projectA, csr: csr.base64, caAlias: "root", caPassword: "ca-password", usage: "Client", validityDays: "365" });
    expect(await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", file: signed.base64 })).toMatchObject({ id: inter.id, paired: true });
    expect(await shield("inter")).toMatchObject({ shield: "green", code: "CHAIN_TRUSTED" });
    // openssl refuses the leaf through a non-CA; so does the shield.
    expect((await shield("leaf")).shield).not.toBe("green");
  });

  it("trust is not imported: a root CA becomes a trusted CA, an intermediate follows its chain, and a certificate someone else issued for a trusted CA's key ends its trust", async () => {
    const owner = await ctxFor(rt, t.ownerA.id);
    const shield = (alias: string) => shieldOfAlias(owner, alias);
    const dir = opensslTempDir();
    try {
      // A root made elsewhere, imported: the Niagara "import a CA" step, a trusted CA.
      const k = (name: string) => { openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", join(dir.dir, `${name}.key`)]); return join(dir.dir, `${name}.key`); };
      const ext = dir.file("ca.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n");
      const outsideKey = k("outside");
      openssl(["req", "-new", "-x509", "-key", outsideKey, "-subj", "/CN=Outside Root", "-days", "3650", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", join(dir.dir, "outside.pem")]);
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", alias: "outside-root", file: certFileBase64(join(dir.dir, "outside.pem")) });
      expect(await shield("outside-root")).toMatchObject({ shield: "green", code: "TRUSTED_ANCHOR" });

      // A CA the project does not trust signs a sub-CA; imported, the sub-CA is not green.
      await createEntry(owner, newEntry({ alias: "untrusted-root", usage: "CA", commonName: "Untrusted Root", password: "ca-password", confirmPassword: "ca-password", validityDays: "3650" }));
      const subKey = k("sub");
      openssl(["req", "-new", "-key", subKey, "-subj", "/CN=Sub CA", "-out", join(dir.dir, "sub.csr")]);
      const sub = await signCsr(owner, { projectId: t.projectA, csr: Buffer.from(openssl(["req", "-in", join(dir.dir, "sub.csr")])).toString("base64"), caAlias: "untrusted-root", caPassword: "ca-password", usage: "CA", validityDays: "365" });
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", alias: "sub-ca", file: sub.base64 });
      expect(await shield("sub-ca")).toMatchObject({ shield: "yellow", code: "ISSUER_UNTRUSTED" });

      // plant-ca is trusted; someone issues a certificate for its public key with their own CA.
      await createEntry(owner, newEntry({ alias: "plant-ca", usage: "CA", commonName: "Plant CA", password: "ca-password", confirmPassword: "ca-password", trustAnchor: "on", validityDays: "3650" }));
      expect(await shield("plant-ca")).toMatchObject({ shield: "green", code: "TRUSTED_ANCHOR" });
      const plant = (await listKeystore(owner, t.projectA, { q: "plant-ca" })).items[0]!;
      writeFileSync(join(dir.dir, "plant.pem"), text(await exportCertificate(owner, { projectId: t.projectA, entryId: plant.id })));
      writeFileSync(join(dir.dir, "plant.pub"), openssl(["x509", "-in", join(dir.dir, "plant.pem"), "-noout", "-pubkey"]));
      openssl(["req", "-new", "-key", k("any"), "-subj", "/CN=Replaced", "-out", join(dir.dir, "r.csr")]);
      const forged = openssl(["x509", "-req", "-in", join(dir.dir, "r.csr"), "-force_pubkey", join(dir.dir, "plant.pub"), "-CA", join(dir.dir, "outside.pem"), "-CAkey", outsideKey, "-days", "7300", "-extfile", ext]);
      expect(await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", file: Buffer.from(forged).toString("base64") })).toMatchObject({ id: plant.id, paired: true });
      const after = await shield("plant-ca");
      expect(after.code).not.toBe("TRUSTED_ANCHOR");
      // It now chains to Outside Root, which the project does trust: green through that chain only.
      expect(after).toMatchObject({ shield: "green", code: "CHAIN_TRUSTED" });
    } finally {
      dir.cleanup();
    }
  });

  it("keeps to a CA's pathLenConstraint as openssl verify does: the shield, the Certificate Signer and New", async () => {
    const owner = await ctxFor(rt, t.ownerA.id);
    const shield = (alias: string) => shieldOfAlias(owner, alias);
    const dir = opensslTempDir();
    try {
      const pem = (name: string) => join(dir.dir, `${name}.pem`);
      const b64 = certFileBase64;
      const key = (name: string) => {
        return opensslEcKey(join(dir.dir, `${name}.key`));
      };
      const caExt = (pathLen?: number) => dir.file(`ca${pathLen ?? ""}.ext`, `basicConstraints=critical,CA:TRUE${pathLen === undefined ? "" : `,pathlen:${pathLen}`}\nkeyUsage=critical,keyCertSign,cRLSign\n`);
      const leafExt = dir.file("leaf.ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
      const issue = (name: string, cn: string, by: string, ext: string) => {
        opensslIssue({ key: key(name), subject: `/CN=${cn}`, caCert: pem(by), caKey: join(dir.dir, `${by}.key`), extFile: ext, days: 365, out: pem(name) });
      };
      const verifies = (leaf: string, ...untrusted: string[]) => {
        try {
          return openssl(["verify", "-CAfile", pem("root0"), ...untrusted.flatMap((u) => ["-untrusted", pem(u)]), pem(leaf)]).includes("OK");
        } catch (err) {
          expect(String(err)).toMatch(/path length constraint exceeded/);
          return false;
        }
      };
      // A root with pathlen:0, made elsewhere and imported with its key: a trusted CA that may issue only end entities.
      openssl(["req", "-new", "-x509", "-key", key("root0"), "-subj", "/CN=Root Zero", "-days", "3650", "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", pem("root0")]);
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "pem-key", alias: "root0", file: b64(pem("root0")), keyFile: Buffer.from(openssl(["pkey", "-in", join(dir.dir, "root0.key")])).toString("base64"), password: "ca-password", confirmPassword: "ca-password" });
      expect(await shield("root0")).toMatchObject({ shield: "green", code: "TRUSTED_ANCHOR" });
      const root0 = (await listKeystore(owner, t.projectA, { q: "root0" })).items[0]!;
      expect((await getEntryDetails(owner, t.projectA, root0.id)).certificate).toMatchObject({ pathLen: 0, basicConstraints: "CA:TRUE, pathlen:0" });

      // An intermediate CA under it is itself valid; what that CA issues is not — for openssl and the shield alike.
      issue("inter0", "Inter Zero", "root0", caExt());
      issue("leaf0", "Leaf Zero", "inter0", leafExt);
      expect(verifies("inter0")).toBe(true);
      expect(verifies("leaf0", "inter0")).toBe(false);
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "pem-key", alias: "inter0", file: b64(pem("inter0")), keyFile: Buffer.from(openssl(["pkey", "-in", join(dir.dir, "inter0.key")])).toString("base64"), password: "ca-password", confirmPassword: "ca-password" });
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", alias: "leaf0", file: b64(pem("leaf0")) });
      expect(await shield("inter0")).toMatchObject({ shield: "green", code: "CHAIN_TRUSTED" });
      expect(await shield("leaf0")).toMatchObject({ shield: "red", code: "PATH_TOO_LONG" });

      // The Signer: root0 signs a Client (openssl verifies it), but not a CA; inter0 signs nothing.
      const csr = (name: string) => {
        openssl(["req", "-new", "-key", key(name), "-subj", `/CN=${name}`, "-out", join(dir.dir, `${name}.csr`)]);
        return Buffer.from(openssl(["req", "-in", join(dir.dir, `${name}.csr`)])).toString("base64");
      };
      const client = await signCsr(owner, { projectId: t.projectA, csr: csr("device"), caAlias: "root0", caPassword: "ca-password", usage: "Client", validityDays: "365" });
      writeFileSync(pem("device"), text(client));
      expect(verifies("device")).toBe(true);
      expect(await fail(signCsr(owner, { projectId: t.projectA, csr: csr("sub"), caAlias: "root0", caPassword: "ca-password", usage: "CA", validityDays: "365" }))).toMatchObject({ code: "VALIDATION", fieldErrors: { caAlias: [expect.stringContaining('CA "root0" may issue only Client and Server certificates: its pathLenConstraint is 0')] } });
      // But a CA of root0's own name (its new key, certified by the old one) is self-issued, not counted: signed, and what it signs verifies.
      openssl(["req", "-new", "-key", key("rolled"), "-subj", "/CN=Root Zero", "-out", join(dir.dir, "rolled.csr")]);
      const link = await signCsr(owner, { projectId: t.projectA, csr: Buffer.from(openssl(["req", "-in", join(dir.dir, "rolled.csr")])).toString("base64"), caAlias: "root0", caPassword: "ca-password", usage: "CA", validityDays: "365" });
      writeFileSync(pem("rolled"), text(link));
      opensslIssue({ key: key("under-link"), subject: "/CN=under-link", caCert: pem("rolled"), caKey: join(dir.dir, "rolled.key"), extFile: leafExt, out: pem("under-link") });
      expect(verifies("under-link", "rolled")).toBe(true);
      expect(await fail(signCsr(owner, { projectId: t.projectA, csr: csr("dev2"), caAlias: "inter0", caPassword: "ca-password", usage: "Client", validityDays: "365" }))).toMatchObject({ code: "VALIDATION", fieldErrors: { caAlias: [expect.stringContaining('"inter0" cannot issue certificates that verify: "root0" allows no CA certificate below it (pathLenConstraint 0), so nothing "inter0" issues would verify.')] } });
      // New, "Signed by": the same rule, at its own field, before any password is tried.
      expect(await fail(createEntry(owner, newEntry({ alias: "sub-new", usage: "CA", commonName: "Sub", signedBy: "root0", caPassword: "wrong" })))).toMatchObject({ code: "VALIDATION", fieldErrors: { signedBy: [expect.stringContaining("pathLenConstraint is 0")] } });
      expect(await fail(createEntry(owner, newEntry({ alias: "c-new", usage: "Client", commonName: "c", signedBy: "inter0", caPassword: "ca-password" })))).toMatchObject({ code: "VALIDATION", fieldErrors: { signedBy: [expect.stringContaining("cannot issue certificates that verify")] } });
      expect((await auditTrail(rt)).filter((e) => e.action === "keystore.key_password_failed")).toEqual([]);
      await createEntry(owner, newEntry({ alias: "c-root", usage: "Client", commonName: "c", signedBy: "root0", caPassword: "ca-password" }));
      expect(await shield("c-root")).toMatchObject({ shield: "green", code: "CHAIN_TRUSTED" });

      // A trusted CA that is not a root does not lift the limits above it (openssl: "path length
      // constraint exceeded" with both in the CA file).
      openssl(["req", "-new", "-x509", "-key", key("root1"), "-subj", "/CN=Root One", "-days", "3650", "-addext", "basicConstraints=critical,CA:TRUE,pathlen:1", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", pem("root1")]);
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "pem-key", alias: "root1", file: b64(pem("root1")), keyFile: Buffer.from(openssl(["pkey", "-in", join(dir.dir, "root1.key")])).toString("base64"), password: "ca-password", confirmPassword: "ca-password" });
      await createEntry(owner, newEntry({ alias: "mid", usage: "CA", commonName: "Mid", signedBy: "root1", caPassword: "ca-password", password: "ca-password", confirmPassword: "ca-password", trustAnchor: "on", validityDays: "730" }));
      expect(await shield("mid")).toMatchObject({ shield: "green" });
      expect(await fail(createEntry(owner, newEntry({ alias: "low", usage: "CA", commonName: "Low", signedBy: "mid", caPassword: "ca-password" })))).toMatchObject({ code: "VALIDATION", fieldErrors: { signedBy: [expect.stringContaining('"root1" allows one CA certificate below it (pathLenConstraint 1)')] } });
      await createEntry(owner, newEntry({ alias: "c-mid", usage: "Client", commonName: "c-mid", signedBy: "mid", caPassword: "ca-password" }));
      expect(await shield("c-mid")).toMatchObject({ shield: "green", code: "CHAIN_TRUSTED" });
    } finally {
      dir.cleanup();
    }
  });

  it("keeps to a CA's name constraints as openssl verify does: the Certificate Signer and New refuse names outside them, before any password is tried", async () => {
    const owner = await ctxFor(rt, t.ownerA.id);
    const dir = opensslTempDir();
    try {
      const f = (name: string) => join(dir.dir, name);
      for (const k of ["root", "db", "old", "ok"]) opensslEcKey(f(`${k}.key`));
      openssl(["req", "-new", "-x509", "-key", f("root.key"), "-subj", "/CN=Plant Root", "-days", "3650", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-addext", "nameConstraints=critical,permitted;DNS:plant.example,excluded;DNS:old.plant.example", "-out", f("root.pem")]);
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "pem-key", alias: "plant-root", file: certFileBase64(f("root.pem")), keyFile: Buffer.from(openssl(["pkey", "-in", f("root.key")])).toString("base64"), password: "ca-password", confirmPassword: "ca-password" });
      const csr = (key: string, san: string) => Buffer.from(openssl(["req", "-new", "-key", f(`${key}.key`), "-subj", "/CN=db", "-addext", `subjectAltName=${san}`])).toString("base64");
      const sign = (b64: string, caPassword: string) => signCsr(owner, { projectId: t.projectA, csr: b64, caAlias: "plant-root", caPassword, usage: "Server", validityDays: "365" });

      // Outside, and excluded: refused at the CA field, whatever the password (it is never tried).
      expect(await fail(sign(csr("db", "DNS:db.other.example"), "wrong"))).toMatchObject({
        code: "VALIDATION",
        fieldErrors: { caAlias: ['CA "plant-root" cannot vouch for this certificate: the DNS name "db.other.example" is outside its name constraints, which permit only DNS:plant.example. OpenSSL, mongod and the drivers would refuse it. Use names it permits, or sign with another CA.'] },
      });
      expect(await fail(sign(csr("old", "DNS:db.old.plant.example"), "ca-password"))).toMatchObject({ code: "VALIDATION", fieldErrors: { caAlias: [expect.stringContaining('the DNS name "db.old.plant.example" is excluded by its name constraint DNS:old.plant.example')] } });
      // Inside: signed, and openssl verifies it against the constrained root.
      const signed = await sign(csr("ok", "DNS:db.plant.example"), "ca-password");
      writeFileSync(f("signed.pem"), text(signed));
      expect(openssl(["verify", "-CAfile", f("root.pem"), f("signed.pem")])).toContain("OK");

      // New, "Signed by": a Client whose CN is a host name outside the constraints (and no DNS name) would not verify either.
      expect(await fail(createEntry(owner, newEntry({ alias: "c-host", usage: "Client", commonName: "db.other.example", signedBy: "plant-root", caPassword: "wrong" })))).toMatchObject({
        code: "VALIDATION",
        fieldErrors: { signedBy: [expect.stringContaining('the common name "db.other.example" (a host name, checked as one because the certificate has no DNS name) is outside its name constraints')] },
      });
      await createEntry(owner, newEntry({ alias: "c-device", usage: "Client", commonName: "device-7", signedBy: "plant-root", caPassword: "ca-password" }));
      await createEntry(owner, newEntry({ alias: "s-db", usage: "Server", commonName: "db", sanDns: "db.plant.example", signedBy: "plant-root", caPassword: "ca-password" }));
      expect((await listKeystore(owner, t.projectA, {})).items.map((e) => e.alias).sort()).toEqual(["c-device", "plant-root", "s-db"]);
      // Nothing was refused for its password: the names were checked first.
      expect((await auditTrail(rt)).filter((e) => e.action === "keystore.key_password_failed")).toEqual([]);

      // The shields: certificates made elsewhere under the constrained root, imported. One outside
      // the constraints is red (openssl refuses it), one inside green, and so is what the root issued here.
      const leafExt = (san: string) => dir.file(`leaf-${san.replace(/\W/g, "")}.ext`, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`);
      for (const [name, san] of [["outside", "DNS:db.other.example"], ["inside", "DNS:api.plant.example"]] as const) {
        opensslIssue({ key: f("db.key"), subject: `/CN=${name}`, caCert: f("root.pem"), caKey: f("root.key"), extFile: leafExt(san), out: f(`${name}.pem`) });
        await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", alias: name, file: certFileBase64(f(`${name}.pem`)) });
      }
      expect(() => openssl(["verify", "-CAfile", f("root.pem"), f("outside.pem")])).toThrow(/permitted subtree violation/);
      expect(openssl(["verify", "-CAfile", f("root.pem"), f("inside.pem")])).toContain("OK");
      expect(await shieldOfAlias(owner, "outside")).toMatchObject({ shield: "red", code: "NAME_CONSTRAINTS", reason: expect.stringContaining('"plant-root" does not permit it: the DNS name "db.other.example" is outside its name constraints, which permit only DNS:plant.example') });
      for (const alias of ["inside", "s-db", "c-device", "plant-root"]) expect([alias, (await shieldOfAlias(owner, alias)).shield]).toEqual([alias, "green"]);
      const red = await listKeystore(owner, t.projectA, { status: "red" });
      expect([red.items.map((e) => e.alias), red.counts]).toEqual([["outside"], { green: 4, yellow: 0, red: 1 }]);
      const outside = red.items[0]!;
      expect((await getEntryDetails(owner, t.projectA, outside.id)).trust).toMatchObject({ shield: "red", code: "NAME_CONSTRAINTS" });

      // An intermediate outside the root's constraints: it is red, and so is everything it issues,
      // however good their own names (openssl: permitted subtree violation at depth 1).
      const caExt = dir.file("int.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectAltName=DNS:ca.other.example\n");
      opensslEcKey(f("int.key"));
      opensslIssue({ key: f("int.key"), subject: "/CN=Site CA", caCert: f("root.pem"), caKey: f("root.key"), extFile: caExt, days: 60, out: f("int.pem") });
      opensslIssue({ key: f("ok.key"), subject: "/CN=under-site", caCert: f("int.pem"), caKey: f("int.key"), extFile: leafExt("DNS:x.plant.example"), out: f("under.pem") });
      expect(() => openssl(["verify", "-CAfile", f("root.pem"), "-untrusted", f("int.pem"), f("under.pem")])).toThrow(/permitted subtree violation/);
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", alias: "site-ca", file: certFileBase64(f("int.pem")) });
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", alias: "under-site", file: certFileBase64(f("under.pem")) });
      expect(await shieldOfAlias(owner, "site-ca")).toMatchObject({ shield: "red", code: "NAME_CONSTRAINTS", reason: expect.stringContaining('the DNS name "ca.other.example" is outside its name constraints') });
      const under = (await listKeystore(owner, t.projectA, { q: "under-site" })).items[0]!;
      const underTrust = (await getEntryDetails(owner, t.projectA, under.id)).trust;
      expect(underTrust).toMatchObject({ shield: "red", code: "NAME_CONSTRAINTS", reason: expect.stringContaining('"site-ca" breaks the name constraints of "plant-root"') });
      expect(underTrust.chain.map((l) => [l.alias, l.shield])).toEqual([["under-site", "green"], ["site-ca", "red"], ["plant-root", "green"]]);
      expect((await listKeystore(owner, t.projectA, { status: "red" })).counts).toEqual({ green: 4, yellow: 0, red: 3 });

      // A CA whose nameConstraints openssl cannot read: openssl refuses it and what it issues; red here, never a 500.
      opensslEcKey(f("odd.key"));
      openssl(["req", "-new", "-x509", "-key", f("odd.key"), "-subj", "/CN=Odd Root", "-days", "365", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-addext", "nameConstraints=critical,DER:300aa0083006a40430023000", "-out", f("odd.pem")]);
      expect(() => openssl(["verify", "-CAfile", f("odd.pem"), f("odd.pem")])).toThrow();
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", alias: "odd-root", file: certFileBase64(f("odd.pem")) });
      expect(await shieldOfAlias(owner, "odd-root")).toMatchObject({ shield: "red", code: "NAME_CONSTRAINTS", reason: expect.stringContaining('"odd-root" has a nameConstraints extension that cannot be read') });
    } finally {
      dir.cleanup();
    }
  });

  it("a CA's new key certified by its old one (key rollover: self-issued, not self-signed) is a link in the chain, as openssl verify has it, and not counted toward the old one's pathLenConstraint", async () => {
    const owner = await ctxFor(rt, t.ownerA.id);
    const shield = (alias: string) => shieldOfAlias(owner, alias);
    const dir = opensslTempDir();
    try {
      const f = (name: string) => join(dir.dir, name);
      const b64 = (name: string) => certFileBase64(f(name));
      for (const k of ["A", "B", "L", "S", "M"]) opensslEcKey(f(`${k}.key`));
      const caExt = dir.file("ca.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
      const leafExt = dir.file("leaf.ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nauthorityKeyIdentifier=keyid\n");
      // The old root allows no CA below it: the link does not count (RFC 5280 §6.1.4 (l)), a CA the new key issues does.
      openssl(["req", "-new", "-x509", "-key", f("A.key"), "-subj", "/CN=Roll Root", "-days", "3650", "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", f("old.pem")]);
      opensslIssue({ key: f("B.key"), subject: "/CN=Roll Root", caCert: f("old.pem"), caKey: f("A.key"), extFile: caExt, days: 365, out: f("new-with-old.pem") });
      opensslIssue({ key: f("L.key"), subject: "/CN=rolled-device", caCert: f("new-with-old.pem"), caKey: f("B.key"), extFile: leafExt, out: f("leaf.pem") });
      expect(openssl(["verify", "-CAfile", f("old.pem"), "-untrusted", f("new-with-old.pem"), f("leaf.pem")])).toContain("OK");
      opensslIssue({ key: f("S.key"), subject: "/CN=Roll Sub", caCert: f("new-with-old.pem"), caKey: f("B.key"), extFile: caExt, days: 60, out: f("sub.pem") });
      opensslIssue({ key: f("M.key"), subject: "/CN=sub-device", caCert: f("sub.pem"), caKey: f("S.key"), extFile: leafExt, out: f("sub-leaf.pem") });
      writeFileSync(f("chain.pem"), readFileSync(f("new-with-old.pem"), "utf8") + readFileSync(f("sub.pem"), "utf8"));
      expect(openssl(["verify", "-CAfile", f("old.pem"), "-untrusted", f("chain.pem"), f("sub.pem")])).toContain("OK");
      expect(() => openssl(["verify", "-CAfile", f("old.pem"), "-untrusted", f("chain.pem"), f("sub-leaf.pem")])).toThrow(/path length constraint exceeded/);

      // The link certificate first, before the CA that signed it: it waits, then links when the CA arrives.
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", alias: "new-with-old", file: b64("new-with-old.pem") });
      expect((await shield("new-with-old")).shield).toBe("red");
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", alias: "old-root", file: b64("old.pem") });
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", alias: "rolled-device", file: b64("leaf.pem") });
      expect(await shield("new-with-old")).toMatchObject({ shield: "green", code: "CHAIN_TRUSTED" });
      expect(await shield("rolled-device")).toMatchObject({ shield: "green", code: "CHAIN_TRUSTED" });
      const device = (await listKeystore(owner, t.projectA, { q: "rolled-device" })).items[0]!;
      expect((await getEntryDetails(owner, t.projectA, device.id)).trust.chain.map((l) => l.alias)).toEqual(["rolled-device", "new-with-old", "old-root"]);
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", alias: "roll-sub", file: b64("sub.pem") });
      await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", alias: "sub-device", file: b64("sub-leaf.pem") });
      expect(await shield("roll-sub")).toMatchObject({ shield: "green", code: "CHAIN_TRUSTED" });
      expect(await shield("sub-device")).toMatchObject({ shield: "red", code: "PATH_TOO_LONG", reason: expect.stringContaining('"old-root" allows no CA certificate below it (pathLenConstraint 0), and this chain has 1 between it') });
      // The list's one-pass colours (its counts and status filter; trust rows from SQL) say the same.
      const red = await listKeystore(owner, t.projectA, { status: "red" });
      expect([red.items.map((e) => e.alias), red.counts]).toEqual([["sub-device"], { green: 4, yellow: 0, red: 1 }]);
    } finally {
      dir.cleanup();
    }
  });

  it("a Project Read Only user sees the Key Store but cannot create, sign or export keys (NOT_FOUND)", async () => {
    const owner = await ctxFor(rt, t.ownerA.id);
    const ca = await createEntry(owner, newEntry({ alias: "ca", usage: "CA", commonName: "CA", trustAnchor: "on" }));
    const reader = await ctxFor(rt, t.readOnly.id);
    expect((await listKeystore(reader, t.projectA, {})).items).toHaveLength(1);
    expect((await fail(createEntry(reader, newEntry({ alias: "x", usage: "Client", commonName: "x" })))).code).toBe("NOT_FOUND");
    expect((await fail(exportWithPrivateKey(reader, { projectId: t.projectA, entryId: ca.id, password: "entry-password", format: "p12", exportPassword: "12345678", confirmExportPassword: "12345678" }))).code).toBe("NOT_FOUND");
    expect((await exportCertificate(reader, { projectId: t.projectA, entryId: ca.id })).filename).toBe("ca.pem");
    const other = await ctxFor(rt, t.ownerB.id);
    expect((await fail(listKeystore(other, t.projectA, {}))).code).toBe("NOT_FOUND");
  });

  it("refuses bad input at the field: duplicate alias, a Server without SAN, a non-CA signer, a wrong entry password", async () => {
    const owner = await ctxFor(rt, t.ownerA.id);
    const leaf = await createEntry(owner, newEntry({ alias: "leaf", usage: "Client", commonName: "leaf" }));
    expect(await fail(createEntry(owner, newEntry({ alias: "LEAF", usage: "Client", commonName: "x" })))).toMatchObject({ code: "CONFLICT", fieldErrors: { alias: [expect.any(String)] } });
    expect(await fail(createEntry(owner, newEntry({ alias: "srv", usage: "Server", commonName: "db" })))).toMatchObject({ code: "VALIDATION", fieldErrors: { subjectAltNames: [expect.stringContaining("DNS")] } });
    expect(await fail(createEntry(owner, newEntry({ alias: "c2", usage: "Client", commonName: "c2", signedBy: "leaf", caPassword: "entry-password" })))).toMatchObject({ code: "VALIDATION", fieldErrors: { signedBy: [expect.stringContaining("not a CA")] } });
    expect(await fail(requestCsr(owner, { projectId: t.projectA, entryId: leaf.id, password: "wrong" }))).toMatchObject({ code: "BAD_PASSWORD", fieldErrors: { password: [expect.any(String)] } });
    expect((await listKeystore(owner, t.projectA, {})).total).toBe(1);
  });
});
