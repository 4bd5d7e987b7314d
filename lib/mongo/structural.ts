import { ConnectionString } from "mongodb-connection-string-url";
import type { Finding } from "./connection-string";
import type { UriEdit } from "./uri-text";

// The shape of the string (scheme, user info, host list) as `mongodb-connection-string-url`
// reads it. The driver constructs exactly this class first (connection_string.ts parseOptions),
// so its errors are the driver's errors; here they get plain words and, where the intent is
// clear, a corrected string.

export type Structural =
  | { fatal: Finding; url?: undefined }
  | { fatal?: undefined; url: ConnectionString; findings: Finding[]; driverEdits: UriEdit[] };

const SCHEMES = "A connection string starts with mongodb:// (a list of servers) or mongodb+srv:// (one DNS name whose SRV records list the servers).";

function safeDecode(x: string): string {
  try {
    return decodeURIComponent(x);
  } catch {
    return x;
  }
}

function parses(s: string): boolean {
  try {
    new ConnectionString(s);
    return true;
  } catch {
    return false;
  }
}

/** Percent-encodes user name and password, splitting at the last "@" before the options. */
function encodedUserinfo(s: string): string | undefined {
  const start = s.indexOf("://") + 3;
  const q = s.indexOf("?", start);
  const head = q < 0 ? s : s.slice(0, q);
  const at = head.lastIndexOf("@");
  if (at < start) return undefined;
  const userinfo = s.slice(start, at);
  const colon = userinfo.indexOf(":");
  const enc = (x: string) => encodeURIComponent(safeDecode(x));
  const fixed = `${s.slice(0, start)}${colon < 0 ? enc(userinfo) : `${enc(userinfo.slice(0, colon))}:${enc(userinfo.slice(colon + 1))}`}@${s.slice(at + 1)}`;
  return fixed !== s && parses(fixed) ? fixed : undefined;
}

function schemeFix(s: string): Finding["fix"] {
  const scheme = /^(mongodb(?:\+srv)?):\/\//i.exec(s);
  if (scheme) return { label: "Write the scheme in lower case", value: s.replace(scheme[1]!, scheme[1]!.toLowerCase()) };
  if (!s.includes("://") && /^[A-Za-z0-9._\-[\]:,]+(\/.*)?$/.test(s) && parses(`mongodb://${s}`)) {
    return { label: "Add mongodb://", value: `mongodb://${s}` };
  }
  return undefined;
}

function fatalFor(s: string, message: string): Finding {
  const said = `(the driver says: "${message}")`;
  if (message.startsWith("Invalid scheme")) return { code: "BAD_SCHEME", severity: "error", message: SCHEMES, fix: schemeFix(s) };
  if (message === "Protocol and host list are required in the uri") {
    return { code: "BAD_HOST", severity: "error", message: `There is no host after the scheme: write it as mongodb://db.example.com:27017/ or mongodb+srv://cluster0.example.net/ ${said}.` };
  }
  const userinfoFix = encodedUserinfo(s);
  const fix = userinfoFix ? { label: "Percent-encode the user name and password", value: userinfoFix } : undefined;
  if (/^(Username|Password) contains unescaped characters/.test(message)) {
    const which = message.startsWith("Password") ? "password" : "user name";
    return { code: "MALFORMED", severity: "error", message: `The ${which} contains : / ? # [ ] or @, which must be percent-encoded (@ is %40, : is %3A, / is %2F).`, fix };
  }
  if (message === "URI malformed") {
    return { code: "MALFORMED", severity: "error", message: `The user name or password has a % that is not followed by two hex digits; write % as %25 ${said}.`, fix };
  }
  if (message === "URI contained empty userinfo section") {
    return { code: "MALFORMED", severity: "error", message: `There is an @ (or :) right after the scheme with no user name before it ${said}.` };
  }
  if (message === "Invalid connection string") {
    return { code: "MALFORMED", severity: "error", message: `The string cannot be split into user, hosts and options — most often an @ in the password that is not written as %40 ${said}.`, fix };
  }
  return { code: "MALFORMED", severity: "error", message: `The connection string cannot be read ${said}.` };
}

/**
 * The driver takes the whole path as the database name without checking it, so a password
 * with an unencoded "/" moves the rest of the string into the path: `app:p@ss/w@host` connects
 * to host "ss", database "w@host". mongod refuses such names (no / \\ . space " $ or NUL).
 */
function databaseNameProblem(s: string, url: ConnectionString): Finding | undefined {
  let name = url.pathname.replace(/^\//, "");
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep it as written
  }
  const bad = /[/\\. "$\u0000]/.exec(name)?.[0];
  if (name === "" || bad === undefined) return undefined;
  const value = name.includes("@") ? encodedUserinfo(s) : undefined;
  return {
    code: "BAD_DATABASE_NAME",
    severity: "error",
    message: `The path names the database "${name}", which MongoDB does not allow (it contains ${bad === " " ? "a space" : `"${bad}"`}).${name.includes("@") ? " This usually means a password with / or @ that is not percent-encoded." : ""}`,
    fix: value ? { label: "Percent-encode the user name and password", value } : undefined,
  };
}

export function structuralProblem(s: string): Structural {
  if (s === "") {
    return { fatal: { code: "EMPTY", severity: "error", message: "Enter the connection string, e.g. mongodb+srv://cluster0.example.net/?authSource=%24external&authMechanism=MONGODB-X509&tls=true." } };
  }
  const placeholder = /<[A-Za-z][\w .-]*>/.exec(s);
  if (placeholder) {
    return { fatal: { code: "PLACEHOLDER", severity: "error", message: `Replace ${placeholder[0]} with the real value (it is a placeholder from the example).` } };
  }
  try {
    const url = new ConnectionString(s);
    const bad = databaseNameProblem(s, url);
    return { url, findings: bad ? [bad] : [], driverEdits: [] };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const multiple = message === "mongodb+srv URI cannot have multiple service names";
    if (!multiple && message !== "mongodb+srv URI cannot have port number") return { fatal: fatalFor(s, message) };
    let url: ConnectionString;
    try {
      url = new ConnectionString(s, { looseValidation: true });
    } catch (again) {
      return { fatal: fatalFor(s, again instanceof Error ? again.message : String(again)) };
    }
    const findings: Finding[] = [];
    const driverEdits: UriEdit[] = [];
    if (url.hosts.length > 1) {
      findings.push({
        code: "SRV_MULTIPLE_HOSTS",
        severity: "error",
        message: `mongodb+srv:// takes exactly one name, the DNS name whose SRV records list the servers. Keep only that name, or list the servers with mongodb://host1:27017,host2:27017/ instead (the driver says: "mongodb+srv URI cannot have multiple service names").`,
      });
      driverEdits.push({ op: "firstHostOnly" });
    }
    if (url.hosts.some((h) => h.includes(":"))) {
      const edits: UriEdit[] = [{ op: "removePorts" }];
      findings.push({
        code: "SRV_PORT",
        severity: "error",
        message: `mongodb+srv:// must not name a port: the SRV records give each server's port (the driver says: "mongodb+srv URI cannot have port number").`,
        fix: { label: "Remove the port", edits },
      });
      driverEdits.push(...edits);
    }
    return { url, findings, driverEdits };
  }
}
