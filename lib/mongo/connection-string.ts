import { ConnectionString, redactConnectionString as redactWithLibrary } from "mongodb-connection-string-url";
import { driverVerdict } from "./driver-check";
import { checkSeedHost, checkSrvHost } from "./hosts";
import { driverFindings, ignoredOptionFindings } from "./option-findings";
import { STRIPPED_BEFORE_CONNECT, isIn } from "./option-lists";
import { schemeRules } from "./scheme-rules";
import { structuralProblem } from "./structural";
import { editUri, joinUri, optionName, splitUri, type UriEdit } from "./uri-text";

// A connector's connection string, read the way the official driver will read it: the
// structure by `mongodb-connection-string-url` (which the driver itself uses), the options by
// the driver's own parseOptions(), then Gatehouse's rules for the chosen authentication scheme.
// Every problem has a stable code; a fix carries the whole corrected string.

export type AuthenticationScheme = "x509" | "password" | "none";

export type ConnectionStringProblemCode =
  | "EMPTY"
  | "PLACEHOLDER"
  | "BAD_SCHEME"
  | "MALFORMED"
  | "BAD_DATABASE_NAME"
  | "BAD_HOST"
  | "BAD_PORT"
  | "SRV_PORT"
  | "SRV_MULTIPLE_HOSTS"
  | "SRV_BAD_HOST"
  | "UNKNOWN_OPTIONS"
  | "DUPLICATE_OPTION"
  | "EMPTY_OPTION"
  | "CONFLICTING_OPTIONS"
  | "INVALID_OPTION_VALUE"
  | "DIRECT_CONNECTION"
  | "DRIVER_REFUSED"
  | "DEPRECATED_OPTION"
  | "X509_TLS_MISSING"
  | "X509_TLS_IMPLICIT"
  | "X509_TLS_DISABLED"
  | "X509_MECHANISM_MISSING"
  | "X509_MECHANISM_WRONG"
  | "X509_AUTH_SOURCE_MISSING"
  | "X509_AUTH_SOURCE_WRONG"
  | "X509_CREDENTIALS"
  | "X509_USERNAME_IN_STRING"
  | "PASSWORD_X509_MECHANISM"
  | "PASSWORD_MECHANISM_UNSUPPORTED"
  | "PASSWORD_EXTERNAL_AUTH_SOURCE"
  | "PASSWORD_AUTH_SOURCE_FROM_PATH"
  | "PASSWORD_CREDENTIALS_IN_STRING"
  | "NONE_X509_MECHANISM"
  | "NONE_AMBIENT_MECHANISM"
  | "NONE_MECHANISM_NEEDS_USER"
  | "CREDENTIALS_IN_STRING"
  | "CERTIFICATE_OPTION_IGNORED"
  | "NOT_A_URI_OPTION"
  | "TLS_INSECURE";

export type ConnectionStringFix = { label: string; value: string };

export type ConnectionStringProblem = {
  code: ConnectionStringProblemCode;
  severity: "error" | "warning";
  message: string;
  /** The option the problem is about, as written in the string. */
  option?: string;
  fix?: ConnectionStringFix;
};

export type ConnectionStringAnalysis = {
  ok: boolean;
  /** The string to store (trimmed); only when ok. */
  normalized?: string;
  problems: ConnectionStringProblem[];
  hosts: string[];
  srv: boolean;
  /** Options as written (key → decoded value); secret values replaced by "****". */
  options: Record<string, string>;
  /** Every fix applied at once, when that string has no errors left. */
  suggested?: string;
};

/** A problem before its fix is turned into text: fixes are edits, so they can be combined. */
export type Finding = Omit<ConnectionStringProblem, "fix"> & { fix?: { label: string; edits: UriEdit[] } | ConnectionStringFix };

const editsOf = (f: Finding): UriEdit[] => (f.fix && "edits" in f.fix ? f.fix.edits : []);

const SECRET_OPTIONS = ["tlsCertificateKeyFilePassword", "proxyPassword", "passphrase"];

function optionsOf(url: ConnectionString): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (k in out) continue;
    out[k] = isIn(SECRET_OPTIONS, k) || (k.toLowerCase() === "authmechanismproperties" && /AWS_SESSION_TOKEN/i.test(v)) ? "****" : v;
  }
  return out;
}

// A driver finding that only restates a rule of the chosen scheme (or is explained better by one).
const SUPERSEDED_BY: Partial<Record<ConnectionStringProblemCode, ConnectionStringProblemCode[]>> = {
  X509_AUTH_SOURCE_WRONG: ["PASSWORD_X509_MECHANISM", "NONE_X509_MECHANISM"],
  X509_CREDENTIALS: ["PASSWORD_X509_MECHANISM", "NONE_X509_MECHANISM"],
  INVALID_OPTION_VALUE: ["X509_MECHANISM_WRONG", "PASSWORD_MECHANISM_UNSUPPORTED"],
  NONE_MECHANISM_NEEDS_USER: ["X509_MECHANISM_WRONG"],
};

function merge(findings: Finding[]): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    if (out.some((o) => o.code === f.code && o.option === f.option)) continue;
    const by = SUPERSEDED_BY[f.code];
    if (by && out.some((o) => by.includes(o.code) && (f.code !== "INVALID_OPTION_VALUE" || f.option?.toLowerCase() === "authmechanism"))) continue;
    out.push(f);
  }
  return [...out.filter((f) => f.severity === "error"), ...out.filter((f) => f.severity === "warning")];
}

function render(s: string, findings: Finding[]): ConnectionStringProblem[] {
  return findings.map(({ fix, ...p }) => (fix ? { ...p, fix: "edits" in fix ? { label: fix.label, value: editUri(s, fix.edits) } : fix } : p));
}

function analyze(input: string, scheme: AuthenticationScheme, suggest: boolean): ConnectionStringAnalysis {
  const s = input.trim();
  const failed = (findings: Finding[], extra: Partial<ConnectionStringAnalysis> = {}): ConnectionStringAnalysis => ({
    ok: false,
    problems: render(s, findings),
    hosts: [],
    srv: false,
    options: {},
    ...extra,
  });
  const structural = structuralProblem(s);
  if (structural.fatal) {
    const fixed = structural.fatal.fix && "value" in structural.fatal.fix ? structural.fatal.fix.value : undefined;
    const suggested = suggest && fixed && analyze(fixed, scheme, false).ok ? fixed : undefined;
    return failed([structural.fatal], suggested ? { suggested } : {});
  }
  const url = structural.url;
  const findings: Finding[] = [...structural.findings];

  for (const h of url.hosts) {
    const bad = url.isSRV ? (h.includes(":") ? undefined : checkSrvHost(h)) : checkSeedHost(h);
    if (bad) findings.push({ ...bad, severity: "error" });
  }

  // The driver sees the string with the structural fixes applied, so it can still report options.
  const forDriver = editUri(s, structural.driverEdits);
  const verdict = driverVerdict(forDriver, scheme === "password" ? { auth: { username: "user", password: "password" } } : {});
  const hostChecked = findings.some((f) => f.code === "BAD_HOST" || f.code === "BAD_PORT");
  const fromDriver = driverFindings(verdict.findings, verdict.deprecations).filter((f) => !(hostChecked && (f.code === "BAD_HOST" || f.code === "BAD_PORT")));

  const all = merge([...findings, ...schemeRules(url, scheme), ...fromDriver, ...ignoredOptionFindings(url)]);
  const ok = !all.some((f) => f.severity === "error");
  const result: ConnectionStringAnalysis = {
    ok,
    problems: render(s, all),
    hosts: [...url.hosts],
    srv: url.isSRV,
    options: optionsOf(url),
  };
  if (ok) result.normalized = s;
  const edits = all.flatMap(editsOf);
  if (suggest && edits.length) {
    const candidate = editUri(s, edits);
    if (candidate !== s && analyze(candidate, scheme, false).ok) result.suggested = candidate;
  }
  return result;
}

export function analyzeConnectionString(s: string, scheme: AuthenticationScheme): ConnectionStringAnalysis {
  return analyze(s, scheme, true);
}

/**
 * The string Gatehouse hands to the driver: options that would make the driver read files on
 * the Gatehouse server or pass text where Node expects objects are taken out (the analysis
 * warns about each of them).
 */
export function connectionStringForDriver(s: string): string {
  const parts = splitUri(s.trim());
  if (!parts) return s.trim();
  // By name as the driver reads it: `tls%43AFile` is tlsCAFile to the driver, so it goes too.
  const names = parts.query.map((q) => optionName(q.key)).filter((name) => isIn(STRIPPED_BEFORE_CONNECT, name));
  return editUri(s.trim(), [{ op: "remove", keys: names }]);
}

const MASK = "****";

// Values the library leaves as they are: a key's passphrase, and PEM key material pasted as
// Node's TLS options (`key`, `pfx`); by name as the driver reads it (any case, percent-encoded).
const MASKED_OPTIONS = [...SECRET_OPTIONS, "key", "pfx"];

/** The string with every password (user, key file, proxy, AWS session token) and key masked; user names stay. */
export function redactConnectionString(s: string): string {
  let out = redactWithLibrary(s, { redactUsernames: false, replacementString: MASK });
  // The library's fallback for unparseable strings needs "//"; a pasted `user:pass@host` has none.
  if (!out.includes("://")) out = out.replace(/^([^:@/]*):[^@]*@/, `$1:${MASK}@`);
  const parts = splitUri(out);
  if (!parts?.query.some((q) => q.value !== undefined && q.value !== MASK && isIn(MASKED_OPTIONS, optionName(q.key)))) return out;
  return joinUri({ ...parts, query: parts.query.map((q) => (q.value !== undefined && isIn(MASKED_OPTIONS, optionName(q.key)) ? { key: q.key, value: MASK } : q)) });
}
