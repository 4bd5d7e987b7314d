// Quoting for code that users paste. Each function returns a literal that the target language
// reads back as exactly `s`, whatever `s` holds (commas, quotes, backslashes, `$`, newlines).

/**
 * A JavaScript string literal (mongosh, Node). JSON.stringify escapes quotes, backslashes and
 * control characters; U+2028/U+2029 are escaped too so the literal is safe in any JS parser.
 */
export function jsString(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/**
 * A Python 3 string literal. Every escape JSON.stringify produces (\" \\ \b \f \n \r \t \uXXXX,
 * including lone surrogates) means the same in a Python double-quoted string.
 */
export function pyString(s: string): string {
  return jsString(s);
}

/** One POSIX shell word: bare when it only has harmless characters, otherwise single-quoted. */
export function shellWord(s: string): string {
  if (s !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Text that may sit inside a one-line comment without ending it. */
export function commentText(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
