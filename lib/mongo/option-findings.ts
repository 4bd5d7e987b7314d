import type { ConnectionString } from "mongodb-connection-string-url";
import type { Finding } from "./connection-string";
import type { DriverFinding } from "./driver-check";
import { FILE_OPTIONS, INSECURE_TLS_OPTIONS, NODE_ONLY_OPTIONS, RENAMED_OPTIONS, TLS_MATERIAL_OPTIONS, isIn } from "./option-lists";

// Problems with options: what the driver itself refuses or warns about (in plain words, with its
// own message quoted), and the options Gatehouse takes out before connecting.

export function driverFindings(found: DriverFinding[], deprecations: string[]): Finding[] {
  const out: Finding[] = [];
  const unknown = found.flatMap((f) => (f.kind === "unknownOptions" ? f.keys : []));
  if (unknown.length) {
    const list = unknown.join(", ");
    out.push({
      code: "UNKNOWN_OPTIONS",
      severity: "error",
      option: unknown[0],
      message: `The driver does not know the option${unknown.length > 1 ? "s" : ""} ${list} and refuses the whole string ("${found.find((f) => f.kind === "unknownOptions")!.driverMessage}"). Check the spelling, or remove ${unknown.length > 1 ? "them" : "it"}.`,
      fix: { label: `Remove ${list}`, edits: [{ op: "remove", keys: unknown }] },
    });
  }
  for (const f of found) {
    const said = `(the driver says: "${f.driverMessage}")`;
    switch (f.kind) {
      case "unknownOptions":
        break;
      case "duplicateOption":
        out.push({ code: "DUPLICATE_OPTION", severity: "error", option: f.key, message: `${f.key} is given more than once ${said}.`, fix: { label: `Keep the first ${f.key}`, edits: [{ op: "keepFirst", key: f.key }] } });
        break;
      case "emptyOption":
        out.push({ code: "EMPTY_OPTION", severity: "error", option: f.key, message: `${f.key} has no value ${said}.`, fix: { label: `Remove ${f.key}`, edits: [{ op: "remove", keys: [f.key] }] } });
        break;
      case "conflictingOptions": {
        const tlsSsl = f.keys.includes("ssl");
        out.push({
          code: "CONFLICTING_OPTIONS",
          severity: "error",
          option: f.keys[0],
          message: tlsSsl ? `tls and ssl are the same option and must not disagree ${said}.` : `${f.keys.join(" and ")} cannot be combined ${said}.`,
          fix: tlsSsl ? { label: "Remove ssl", edits: [{ op: "remove", keys: ["ssl"] }] } : { label: `Remove ${f.keys.join(" and ")}`, edits: [{ op: "remove", keys: f.keys }] },
        });
        break;
      }
      case "invalidValue":
        out.push({ code: "INVALID_OPTION_VALUE", severity: "error", option: f.key, message: `${f.key ? `The value of ${f.key} is not valid` : "An option value is not valid"} ${said}.` });
        break;
      case "x509AuthSource":
        out.push({ code: "X509_AUTH_SOURCE_WRONG", severity: "error", option: "authSource", message: `MONGODB-X509 users live in $external, so authSource must be $external ${said}.`, fix: { label: "Set authSource=%24external", edits: [{ op: "set", key: "authSource", value: "$external" }] } });
        break;
      case "x509Password":
        out.push({ code: "X509_CREDENTIALS", severity: "error", message: `X.509 takes the user name from the certificate; a password in the string is not allowed ${said}.`, fix: { label: "Remove user name and password", edits: [{ op: "removeUserinfo" }] } });
        break;
      case "missingUsername":
        out.push({ code: "NONE_MECHANISM_NEEDS_USER", severity: "error", option: "authMechanism", message: `This authMechanism needs a user name: choose the Password scheme ${said}.` });
        break;
      case "badHost":
        out.push({ code: /port/i.test(f.driverMessage) ? "BAD_PORT" : "BAD_HOST", severity: "error", message: `A host in the list cannot be read ${said}.` });
        break;
      case "directConnectionHosts":
      case "srvDirectConnection":
        out.push({
          code: "DIRECT_CONNECTION",
          severity: "error",
          option: "directConnection",
          message: `directConnection=true connects to exactly one server; it cannot be used ${f.kind === "srvDirectConnection" ? "with mongodb+srv://" : "with several hosts"} ${said}.`,
          fix: { label: "Remove directConnection", edits: [{ op: "remove", keys: ["directConnection"] }] },
        });
        break;
      case "refused":
        out.push({ code: "DRIVER_REFUSED", severity: "error", message: `The driver refuses this string: ${f.driverMessage}.` });
        break;
    }
  }
  for (const d of deprecations) {
    const key = /^(\S+) is a deprecated option/.exec(d)?.[1];
    const renamed = key ? RENAMED_OPTIONS[key] : undefined;
    out.push({
      code: "DEPRECATED_OPTION",
      severity: "warning",
      option: key,
      message: `The driver warns: ${d}.`,
      fix: key && renamed ? { label: `Use ${renamed}`, edits: [{ op: "rename", from: key, to: renamed }] } : key && /no effect/.test(d) ? { label: `Remove ${key}`, edits: [{ op: "remove", keys: [key] }] } : undefined,
    });
  }
  return out;
}

export function ignoredOptionFindings(url: ConnectionString): Finding[] {
  const out: Finding[] = [];
  const keys = [...new Set(url.searchParams.keys())];
  const files = keys.filter((k) => isIn(FILE_OPTIONS, k) || isIn(TLS_MATERIAL_OPTIONS, k));
  if (files.length) {
    out.push({
      code: "CERTIFICATE_OPTION_IGNORED",
      severity: "warning",
      option: files[0],
      message: `Gatehouse removes ${files.join(", ")} before connecting: the client certificate, its key and the trusted CA come from the project's Key Store (the connector's settings), and paths on the Gatehouse server are never read.`,
      fix: { label: `Remove ${files.join(", ")}`, edits: [{ op: "remove", keys: files }] },
    });
  }
  const nodeOnly = keys.filter((k) => isIn(NODE_ONLY_OPTIONS, k));
  if (nodeOnly.length) {
    out.push({
      code: "NOT_A_URI_OPTION",
      severity: "warning",
      option: nodeOnly[0],
      message: `${nodeOnly.join(", ")} ${nodeOnly.length > 1 ? "are Node.js client options" : "is a Node.js client option"}, not connection string options: the driver would pass the text on as it is. Gatehouse removes ${nodeOnly.length > 1 ? "them" : "it"} before connecting.`,
      fix: { label: `Remove ${nodeOnly.join(", ")}`, edits: [{ op: "remove", keys: nodeOnly }] },
    });
  }
  const insecure = keys.filter((k) => isIn(INSECURE_TLS_OPTIONS, k) && url.searchParams.get(k) === "true");
  if (insecure.length) {
    out.push({
      code: "TLS_INSECURE",
      severity: "warning",
      option: insecure[0],
      message: `${insecure.join(", ")} turns off checking of the server's certificate, so anyone between Gatehouse and the database can read the traffic and the credentials. Choose the server's CA as the connector's trusted CA instead.`,
      fix: { label: `Remove ${insecure.join(", ")}`, edits: [{ op: "remove", keys: insecure }] },
    });
  }
  return out;
}
