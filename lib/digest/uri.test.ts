import { describe, expect, it } from "vitest";
import { digestUriMatches } from "./uri";

describe("digestUriMatches", () => {
  it("compares path and query exactly", () => {
    expect(digestUriMatches("/api/atlas/v2/groups?pageNum=1", "/api/atlas/v2/groups?pageNum=1")).toBe(true);
    expect(digestUriMatches("/api/atlas/v2/groups?pageNum=2", "/api/atlas/v2/groups?pageNum=1")).toBe(false);
    expect(digestUriMatches("/api/atlas/v2/groups", "/api/atlas/v2/groups?pageNum=1")).toBe(false);
    expect(digestUriMatches("/api/atlas/v2/orgs", "/api/atlas/v2/groups")).toBe(false);
  });

  it("does not decode or normalise (two spellings are two targets)", () => {
    expect(digestUriMatches("/a%2Fb", "/a/b")).toBe(false);
    expect(digestUriMatches("/a/./b", "/a/b")).toBe(false);
    expect(digestUriMatches("/A", "/a")).toBe(false);
  });

  it("accepts the absolute-URI form by its path and query (RFC 7616 §3.4.6)", () => {
    expect(digestUriMatches("http://127.0.0.1:3000/api/x?y=1", "/api/x?y=1")).toBe(true);
    expect(digestUriMatches("https://gatehouse.example/api/x?y=1", "/api/x?y=1")).toBe(true);
    expect(digestUriMatches("https://gatehouse.example", "/")).toBe(true);
    expect(digestUriMatches("https://gatehouse.example?y=1", "/?y=1")).toBe(true);
    expect(digestUriMatches("http://h/api/x?y=2", "/api/x?y=1")).toBe(false);
  });
});
