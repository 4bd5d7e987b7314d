import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateDigest, DIGEST_REALM, digestNonceKey } from "@/lib/server/api-keys/digest-auth";
import { createApiKey } from "@/lib/server/api-keys/manage";
import { setRuntime } from "@/lib/server/runtime";
import { digestHa1, digestResponse, issueNonce } from "@/lib/digest";
import { now } from "@/lib/clock";
import { createTestRuntime, ctxFor, seedTenants, type TestRuntime } from "@/test/support/runtime";
import { openssl, opensslTempDir } from "@/test/support/openssl";
import * as keystore from "@/app/api/v1/groups/[groupId]/keystore/route";
import * as csr from "@/app/api/v1/groups/[groupId]/keystore/[entryId]/csr/route";
import * as cert from "@/app/api/v1/groups/[groupId]/keystore/[entryId]/certificate/route";
import * as signer from "@/app/api/v1/groups/[groupId]/signer/route";

// The seed's Key Store workflow (1.1, 1.3) over the Admin API with an API key over HTTP Digest:
// New (CA, Client), Cert Request, Certificate Signer, Export — and openssl, which we did not
// write, accepts the result.

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const h = (f: unknown) => f as Handler;

let rt: TestRuntime;
let groupId: string;
let key: { publicKey: string; privateKey: string };
const tmp = opensslTempDir();

beforeAll(async () => {
  rt = createTestRuntime();
  setRuntime(rt);
  const t = await seedTenants(rt);
  groupId = t.projectA;
  const k = await createApiKey(await ctxFor(rt, t.ownerA.id), { orgId: t.orgA, desc: "pki automation", roles: ["ORG_OWNER"] });
  key = { publicKey: k.publicKey, privateKey: k.privateKey };
});
afterAll(() => {
  setRuntime(undefined);
  rt.close();
  tmp.cleanup();
});

/** A request as a Digest client sends it after the challenge. */
function request(method: string, path: string, body?: unknown): Request {
  const nonce = issueNonce({ key: digestNonceKey(rt), now: now() });
  const ha1 = digestHa1("MD5", key.publicKey, DIGEST_REALM, key.privateKey);
  const response = digestResponse({ algorithm: "MD5", ha1, method, uri: path, nonce, nc: "00000001", cnonce: "abc123", qop: "auth" });
  const authorization = `Digest username="${key.publicKey}", realm="${DIGEST_REALM}", nonce="${nonce}", uri="${path}", algorithm=MD5, response="${response}", qop=auth, nc=00000001, cnonce="abc123"`;
  return new Request(`http://gatehouse.test${path}`, { method, headers: { authorization, ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
}

describe("/api/v1 Key Store over HTTP Digest", () => {
  it("the digest request shape is accepted (sanity)", async () => {
    const r = request("GET", `/api/v1/groups/${groupId}/keystore`);
    expect(await authenticateDigest(rt, { header: r.headers.get("authorization")!, method: "GET", uri: `/api/v1/groups/${groupId}/keystore`, ip: null })).toMatchObject({ ok: true });
  });

  it("New (CA, Client) → Cert Request → sign → Export, verified by openssl", async () => {
    const base = `/api/v1/groups/${groupId}`;
    const newEntry = async (body: Record<string, unknown>) => {
      const res = await h(keystore.POST)(request("POST", `${base}/keystore`, body), { params: Promise.resolve({ groupId }) });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as { id: string; alias: string };
    };
    const ca = await newEntry({ alias: "api-ca", usage: "CA", commonName: "API CA", organization: "Plant Ops", keyAlgorithm: "EC-P-256", validityDays: 365, password: "ca-password-1", signedBy: "self", trustAnchor: true });
    const client = await newEntry({ alias: "api-station", usage: "Client", commonName: "api-station", organization: "Plant Ops", keyAlgorithm: "EC-P-256", validityDays: 90, password: "station-password-1", signedBy: "self" });

    const bad = await h(keystore.POST)(request("POST", `${base}/keystore`, { alias: "x", usage: "Server", commonName: "x", keyAlgorithm: "EC-P-256", validityDays: 30, password: "server-password-1" }), { params: Promise.resolve({ groupId }) });
    expect(bad.status).toBe(400);

    const wrongPw = await h(csr.POST)(request("POST", `${base}/keystore/${client.id}/csr`, { password: "nope" }), { params: Promise.resolve({ groupId, entryId: client.id }) });
    expect(wrongPw.status).toBe(400);
    const csrRes = await h(csr.POST)(request("POST", `${base}/keystore/${client.id}/csr`, { password: "station-password-1" }), { params: Promise.resolve({ groupId, entryId: client.id }) });
    const { csr: csrPem } = (await csrRes.json()) as { csr: string };
    expect(openssl(["req", "-verify", "-noout", "-in", tmp.file("station.csr", csrPem)], {})).toBeDefined();

    const signed = await h(signer.POST)(request("POST", `${base}/signer`, { csr: csrPem, caAlias: "api-ca", caPassword: "ca-password-1", usage: "Client", validityDays: 30 }), { params: Promise.resolve({ groupId }) });
    expect(signed.status).toBe(201);
    const { certificate, subject } = (await signed.json()) as { certificate: string; subject: string };
    expect(subject).toBe("CN=api-station,O=Plant Ops");

    const caPem = await (await h(cert.GET)(request("GET", `${base}/keystore/${ca.id}/certificate`), { params: Promise.resolve({ groupId, entryId: ca.id }) })).text();
    expect(caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(openssl(["verify", "-CAfile", tmp.file("ca.pem", caPem), tmp.file("station.pem", certificate)]).trim()).toMatch(/station\.pem: OK$/);
  });
});
