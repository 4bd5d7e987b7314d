import { describe, expect, it } from "vitest";
import { digestUsername } from "./username";

const of = (entries: Record<string, string>) => digestUsername(new Map(Object.entries(entries)));

describe("digestUsername", () => {
  it("takes username as sent", () => {
    expect(of({ username: "abcdefgh" })).toEqual({ ok: true, username: "abcdefgh" });
  });

  it("decodes username* (RFC 7616 §3.4.4, RFC 8187): UTF-8 in any case, optional language tag", () => {
    expect(of({ "username*": "UTF-8''J%C3%A4s%C3%B8n%20Doe" })).toEqual({ ok: true, username: "Jäsøn Doe" });
    expect(of({ "username*": "utf-8'en'abc" })).toEqual({ ok: true, username: "abc" });
    expect(of({ username: "a", userhash: "false" })).toEqual({ ok: true, username: "a" });
  });

  it.each([
    ["neither", {}],
    ["both", { username: "a", "username*": "UTF-8''a" }],
    ["empty", { username: "" }],
    ["empty username*", { "username*": "UTF-8''" }],
    ["another charset", { "username*": "ISO-8859-1''J%E4" }],
    ["no charset", { "username*": "''abc" }],
    ["raw non-attr characters", { "username*": "UTF-8''a b" }],
    ["a broken escape", { "username*": "UTF-8''%C" }],
    ["invalid UTF-8", { "username*": "UTF-8''%C3%28" }],
    ["an overlong encoding", { "username*": "UTF-8''%C0%AF" }],
    ["userhash=true", { username: "a", userhash: "true" }],
  ])("refuses %s", (_, entries) => {
    expect(of(entries as Record<string, string>)).toEqual({ ok: false, code: "MALFORMED" });
  });
});
