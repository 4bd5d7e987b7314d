import { describe, expect, it } from "vitest";
import { parseCsv } from "@/test/support/csv";
import type { AuditEventRecord } from "../store/types";
import { AUDIT_COLUMNS, csvCell, csvHeader, csvRow } from "./export";

describe("csvCell", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["cr\rhere", '"cr\rhere"'],
    ["ci;=cmd|'/C calc'!A0", '"ci;=cmd|\'/C calc\'!A0"'],
    ["", ""],
  ])("escapes %j as %j", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it.each(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","y")'])(
    "neutralizes a cell a spreadsheet would run: %j",
    (input) => {
      const [[cell]] = parseCsv(csvCell(input) + "\r\n") as [[string]];
      expect(cell).toBe(`'${input}`);
    },
  );

  it("leaves safe leading characters alone and renders non-strings as JSON", () => {
    expect(csvCell("a=1")).toBe("a=1");
    expect(csvCell(" =1")).toBe(" =1");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(42)).toBe("42");
    expect(parseCsv(csvCell({ note: 'x, "y"' }) + "\r\n")).toEqual([['{"note":"x, \\"y\\""}']]);
  });
});

describe("csvRow", () => {
  it("writes the columns in header order, one CRLF-terminated line per event", () => {
    const e: AuditEventRecord = {
      id: 7, at: "2026-03-01T09:00:00.000Z", actorId: null, actorLabel: "-ada", orgId: "o", projectId: null,
      action: "org.renamed", target: "org:o", outcome: "success", ip: "203.0.113.1", detail: { from: "A,B", to: "C\nD" },
    };
    const rows = parseCsv(csvHeader() + csvRow(e));
    expect(rows[0]).toEqual([...AUDIT_COLUMNS]);
    expect(rows[1]).toEqual(["7", "2026-03-01T09:00:00.000Z", "'-ada", "", "o", "", "org.renamed", "org:o", "success", "203.0.113.1", '{"from":"A,B","to":"C\\nD"}']);
  });
});
