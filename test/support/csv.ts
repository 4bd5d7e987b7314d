/**
 * A strict RFC 4180 reader for checking exports: rows end in CRLF; a cell is quoted when it holds
 * a comma, quote or line break, with quotes doubled. A bare line break outside quotes stays in
 * the cell, so bad escaping shows up as a wrong value rather than being silently repaired.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') {
        cell += c;
      } else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else {
        quoted = false;
      }
    } else if (c === '"' && cell === "" && !wasQuoted) {
      quoted = wasQuoted = true;
    } else if (c === ",") {
      row.push(cell);
      cell = "";
      wasQuoted = false;
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      wasQuoted = false;
      i++;
    } else {
      if (wasQuoted || c === '"') throw new SyntaxError(`stray character ${JSON.stringify(c)} at ${i}`);
      cell += c;
    }
  }
  if (quoted) throw new SyntaxError("unterminated quoted cell");
  if (cell !== "" || row.length > 0) throw new SyntaxError("last row does not end in CRLF");
  return rows;
}
