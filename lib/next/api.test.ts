import { describe, expect, it } from "vitest";
import { fromThisOrigin } from "./api";

const req = (headers: Record<string, string>) => new Request("http://gatehouse.example:3000/api/atlas/v2/orgs/x/apiKeys", { method: "POST", headers });

describe("a write on the console's session must come from this origin", () => {
  it("trusts the browser's Sec-Fetch-Site when it sends one", () => {
    expect(fromThisOrigin(req({ "sec-fetch-site": "same-origin", host: "gatehouse.example:3000" }))).toBe(true);
    // A sibling subdomain is same-site, not same-origin; a typed URL or bookmark is "none".
    for (const site of ["same-site", "cross-site", "none"]) expect(fromThisOrigin(req({ "sec-fetch-site": site, origin: "http://gatehouse.example:3000", host: "gatehouse.example:3000" }))).toBe(false);
  });

  it("otherwise compares Origin with the host the client asked for", () => {
    expect(fromThisOrigin(req({ origin: "http://gatehouse.example:3000", host: "gatehouse.example:3000" }))).toBe(true);
    expect(fromThisOrigin(req({ origin: "https://gatehouse.example", "x-forwarded-host": "gatehouse.example", host: "10.0.0.5:3000" }))).toBe(true);
    expect(fromThisOrigin(req({ origin: "http://evil.example", host: "gatehouse.example:3000" }))).toBe(false);
    expect(fromThisOrigin(req({ origin: "http://gatehouse.example:3001", host: "gatehouse.example:3000" }))).toBe(false);
    expect(fromThisOrigin(req({ origin: "null", host: "gatehouse.example:3000" }))).toBe(false);
  });

  it("does not take a request that says nothing about where it comes from as same-origin", () => {
    expect(fromThisOrigin(req({ host: "gatehouse.example:3000" }))).toBe(false);
  });
});
