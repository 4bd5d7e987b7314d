import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEntry } from "@/lib/server/keystore/create";
import { keystoreInventory } from "@/lib/server/keystore/inventory";
import { getEntryDetails } from "@/lib/server/keystore/queries";
import { opensslSubject } from "@/test/support/openssl";
import { certDer, entryForm, openHarness, type Harness } from "@/test/support/interop-tools";

// Interop proof, part 4 (issue #3): the MongoDB user name Gatehouse shows for an entry made with
// "New" is byte-equal to `openssl x509 -noout -subject -nameopt RFC2253` (without `subject=`),
// for subjects full of what RFC 2253 escapes — the string mongod looks up in $external. (The
// names module has its own table of hand-built subjects; these go through the form.) Where
// mongod's own string would differ, the details page warns.

type Subject = { commonName: string; organization?: string; organizationalUnit?: string; locality?: string; state?: string; country?: string; email?: string };

const SUBJECTS: [string, Subject, string[]][] = [
  ["commas", { commonName: "Doe, John", organization: "Acme, Inc." }, []],
  ["plus signs", { commonName: "a+b", organizationalUnit: "R&D + QA" }, []],
  ["quotes and backslash", { commonName: 'Say "hi"', organization: "back\\slash" }, []],
  ["leading and trailing spaces", { commonName: " leading space", organization: "trailing space ", organizationalUnit: "  both  " }, []],
  ["leading #", { commonName: "#hash", organizationalUnit: "not#leading" }, []],
  ["semicolon and angle brackets", { commonName: "semi;colon", locality: "<angle>", state: "a=b" }, []],
  ["Latin UTF-8", { commonName: "Jöhn Ümlaut", locality: "São Paulo", state: "Zürich", country: "BR" }, []],
  ["CJK and emoji", { commonName: "日本語 🔐", organization: "Ünïcödé GmbH" }, []],
  ["email attribute", { commonName: "ops", email: "ops+mongo@plant.test", organization: "Plant, Ops" }, []],
  ["every special at once", { commonName: ' ,+"\\<>;# ', organization: 'O,U+T"S<I>D;E\\R', country: "DE" }, []],
  ["a value that is just #", { commonName: "#" }, ["LONE_HASH"]],
  ["two characters ending in a space", { commonName: "x ", organization: "Plant" }, ["TWO_CHAR_TRAILING_SPACE"]],
  ["a no-break space", { commonName: "no\u00a0break" }, ["NFKC_CHANGES"]],
];

let h: Harness;
const made = new Map<string, string>();
beforeAll(async () => {
  h = await openHarness();
  let i = 0;
  for (const [label, subject] of SUBJECTS) {
    const e = await createEntry(h.owner, entryForm(h.projectId, { alias: `subject-${++i}`, usage: "Client", organization: undefined, country: undefined, ...subject }));
    made.set(label, e.id);
  }
}, 60_000);
afterAll(() => h?.rt.close());

describe("the MongoDB user name is byte-equal to openssl x509 -subject -nameopt RFC2253", () => {
  it.each(SUBJECTS)("%s", async (label, _subject, warnings) => {
    const id = made.get(label)!;
    const details = await getEntryDetails(h.owner, h.projectId, id);
    const fromOpenssl = opensslSubject(await certDer(h, id));
    expect(Buffer.from(details.mongodbUserName, "utf8").equals(Buffer.from(fromOpenssl, "utf8")), `${JSON.stringify(details.mongodbUserName)} vs openssl ${JSON.stringify(fromOpenssl)}`).toBe(true);
    // The subject column (list, search, inventory) is the same string.
    const row = (await keystoreInventory(h.owner, h.projectId)).items.find((r) => r.alias === details.entry.alias);
    expect(row?.subject).toBe(fromOpenssl);
    expect(details.warnings.map((w) => w.code).filter((c) => c !== "LOOKS_LIKE_CLUSTER_MEMBER")).toEqual(warnings);
  });

  it("spot checks: DER order reversed, escapes as OpenSSL writes them, UTF-8 bytes as \\XX", async () => {
    const name = async (label: string) => (await getEntryDetails(h.owner, h.projectId, made.get(label)!)).mongodbUserName;
    expect(await name("commas")).toBe("CN=Doe\\, John,O=Acme\\, Inc.");
    expect(await name("leading and trailing spaces")).toBe("CN=\\ leading space,OU=\\  both \\ ,O=trailing space\\ ");
    expect(await name("leading #")).toBe("CN=\\#hash,OU=not#leading");
    expect(await name("Latin UTF-8")).toBe("CN=J\\C3\\B6hn \\C3\\9Cmlaut,L=S\\C3\\A3o Paulo,ST=Z\\C3\\BCrich,C=BR");
    expect(await name("email attribute")).toBe("emailAddress=ops\\+mongo@plant.test,CN=ops,O=Plant\\, Ops");
  });
});
