import { MongoClient, type MongoClientOptions } from "mongodb";
import { editUri, splitUri, optionName, type UriEdit } from "./uri-text";

// Runs the official driver's own option parsing: `new MongoClient(s)` calls parseOptions()
// synchronously and opens no connection (mongodb 7.9 mongo_client.ts constructor). The driver
// stops at the first problem, so each problem it names is taken out and the check runs again,
// which lists every problem the driver has with the string rather than only the first.

export type DriverFinding =
  | { kind: "unknownOptions"; keys: string[]; driverMessage: string }
  | { kind: "duplicateOption"; key: string; driverMessage: string }
  | { kind: "emptyOption"; key: string; driverMessage: string }
  | { kind: "conflictingOptions"; keys: string[]; driverMessage: string }
  | { kind: "invalidValue"; key?: string; driverMessage: string }
  | { kind: "x509AuthSource"; driverMessage: string }
  | { kind: "x509Password"; driverMessage: string }
  | { kind: "missingUsername"; driverMessage: string }
  | { kind: "badHost"; driverMessage: string }
  | { kind: "directConnectionHosts"; driverMessage: string }
  | { kind: "srvDirectConnection"; driverMessage: string }
  | { kind: "refused"; driverMessage: string };

export type DriverVerdict = { findings: DriverFinding[]; deprecations: string[] };

const MONGODB_WARNING_CODE = "MONGODB DRIVER";

/**
 * The driver reports deprecated options through process.emitWarning (utils.ts emitWarning). The
 * constructor is synchronous, so swapping the function for its duration catches exactly the
 * driver's warnings for this string without logging them; anything else is passed on.
 */
function constructCapturing(s: string, options: MongoClientOptions): { error?: unknown; warnings: string[] } {
  const warnings: string[] = [];
  const original = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const opts = rest[0];
    if (typeof opts === "object" && opts !== null && (opts as { code?: string }).code === MONGODB_WARNING_CODE) {
      warnings.push(typeof warning === "string" ? warning : warning.message);
      return;
    }
    return (original as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    new MongoClient(s, options);
    return { warnings };
  } catch (error) {
    return { error, warnings };
  } finally {
    process.emitWarning = original;
  }
}

/** The key as written in `s` for a lower-cased or differently-cased name the driver reports. */
function writtenKey(s: string, name: string): string | undefined {
  return splitUri(s)?.query.find((q) => optionName(q.key) === name.toLowerCase())?.key;
}

/** What one driver error means, and how to take it out of the string to look for the next. */
function interpret(s: string, message: string): { finding: DriverFinding; edit?: UriEdit[] } {
  let m: RegExpExecArray | null;
  if ((m = /^options? (.+) (?:is|are) not supported$/.exec(message))) {
    const keys = m[1]!.split(", ").map((k) => writtenKey(s, k) ?? k);
    return { finding: { kind: "unknownOptions", keys, driverMessage: message }, edit: [{ op: "remove", keys }] };
  }
  if ((m = /^URI option "(.+)" cannot appear more than once/.exec(message))) {
    return { finding: { kind: "duplicateOption", key: m[1]!, driverMessage: message }, edit: [{ op: "keepFirst", key: m[1]! }] };
  }
  if ((m = /^URI option "(.+)" cannot be specified with no value$/.exec(message))) {
    return { finding: { kind: "emptyOption", key: m[1]!, driverMessage: message }, edit: [{ op: "remove", keys: [m[1]!] }] };
  }
  if (message === "All values of tls/ssl must be the same.") {
    return { finding: { kind: "conflictingOptions", keys: ["tls", "ssl"], driverMessage: message }, edit: [{ op: "remove", keys: ["ssl"] }] };
  }
  if ((m = /^The '(.+)' option cannot be used with the '(.+)' option$/.exec(message))) {
    const keys = [m[1]!, m[2]!];
    return { finding: { kind: "conflictingOptions", keys, driverMessage: message }, edit: [{ op: "remove", keys }] };
  }
  if (/^authMechanism \S+ requires an authSource of '\$external'$/.test(message)) {
    return { finding: { kind: "x509AuthSource", driverMessage: message }, edit: [{ op: "set", key: "authSource", value: "$external" }] };
  }
  if (/^Password not allowed for mechanism MONGODB-X509$/.test(message)) {
    return { finding: { kind: "x509Password", driverMessage: message }, edit: [{ op: "removeUserinfo" }] };
  }
  if (/^Username required for mechanism/.test(message)) return { finding: { kind: "missingUsername", driverMessage: message } };
  if (/^Unable to parse .* with URL$|^Invalid port \(zero\)/.test(message)) return { finding: { kind: "badHost", driverMessage: message } };
  if (message === "directConnection option requires exactly one host") {
    return { finding: { kind: "directConnectionHosts", driverMessage: message }, edit: [{ op: "remove", keys: ["directConnection"] }] };
  }
  if (message === "SRV URI does not support directConnection") {
    return { finding: { kind: "srvDirectConnection", driverMessage: message }, edit: [{ op: "remove", keys: ["directConnection"] }] };
  }
  // Value errors name the option first: `tls/ssl must be either "true" or "false"`,
  // `Expected connectTimeoutMS to be stringified int value, got: x`, `autoEncryption must be an object`.
  m =
    /^(\S+) must be either "true" or "false"$/.exec(message) ??
    /^Expected (\S+) to be stringified int value/.exec(message) ??
    /^(\S+) can only be a positive int value/.exec(message) ??
    /^(\S+) must be an object/.exec(message) ??
    /^Option '(\S+)' must be/.exec(message) ??
    /^URI cannot contain `(\S+)`/.exec(message) ??
    /^(authMechanism) one of /.exec(message);
  if (m) {
    const names = m[1] === "tls/ssl" ? ["tls", "ssl"] : [m[1]!];
    const keys = names.map((n) => writtenKey(s, n)).filter((k): k is string => k !== undefined);
    return { finding: { kind: "invalidValue", key: keys[0], driverMessage: message }, edit: keys.length ? [{ op: "remove", keys }] : undefined };
  }
  if ((m = /^Cannot use (.+) with a non-srv connection string$/.exec(message))) {
    const keys = m[1]!.split(", ");
    return { finding: { kind: "invalidValue", key: keys[0], driverMessage: message }, edit: [{ op: "remove", keys }] };
  }
  return { finding: { kind: "refused", driverMessage: message } };
}

/**
 * Everything the driver has to say about `s` when Gatehouse passes `clientOptions` alongside
 * (for the Password scheme the user name and password come as the `auth` option).
 */
export function driverVerdict(s: string, clientOptions: MongoClientOptions = {}): DriverVerdict {
  const findings: DriverFinding[] = [];
  const deprecations: string[] = [];
  let candidate = s;
  for (let round = 0; round < 12; round++) {
    const { error, warnings } = constructCapturing(candidate, clientOptions);
    for (const w of warnings) if (!deprecations.includes(w)) deprecations.push(w);
    if (error === undefined) break;
    const message = error instanceof Error ? error.message : String(error);
    const { finding, edit } = interpret(candidate, message);
    findings.push(finding);
    if (!edit) break;
    const next = editUri(candidate, edit);
    if (next === candidate) break;
    candidate = next;
  }
  return { findings, deprecations };
}
