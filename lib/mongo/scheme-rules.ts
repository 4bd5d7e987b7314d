import type { ConnectionString } from "mongodb-connection-string-url";
import type { AuthenticationScheme, Finding } from "./connection-string";
import type { UriEdit } from "./uri-text";

// What the connector's Authentication Scheme asks of its connection string. The driver accepts
// many of these strings; they fail (or silently do something else) only against the server.

const X509 = "MONGODB-X509";
const SCRAM = ["SCRAM-SHA-256", "SCRAM-SHA-1", "DEFAULT"];

type Params = { mech?: string; source?: string; tls?: string; hasUser: boolean; hasPassword: boolean; dbInPath: string };

function paramsOf(url: ConnectionString): Params {
  const p = url.searchParams;
  const path = url.pathname.replace(/^\//, "");
  let dbInPath = path;
  try {
    dbInPath = decodeURIComponent(path);
  } catch {
    // the driver would refuse it later; keep it as written
  }
  return {
    mech: p.get("authMechanism") ?? undefined,
    source: p.get("authSource") ?? undefined,
    tls: p.get("tls") ?? p.get("ssl") ?? undefined,
    hasUser: url.username !== "",
    hasPassword: url.password !== "",
    dbInPath,
  };
}

function x509Rules(url: ConnectionString, p: Params): Finding[] {
  // Every X.509 fix carries all of them, so whichever the user clicks gives a working string.
  const essentials: UriEdit[] = [];
  if (p.tls !== "true" && !(p.tls === undefined && url.isSRV)) essentials.push({ op: "remove", keys: ["ssl"] }, { op: "set", key: "tls", value: "true" });
  if (p.mech?.toUpperCase() !== X509) essentials.push({ op: "set", key: "authMechanism", value: X509 });
  if (p.source !== undefined && p.source !== "$external") essentials.push({ op: "set", key: "authSource", value: "$external" });
  if (p.hasPassword) essentials.push({ op: "removeUserinfo" });
  const fix = (label: string) => ({ label: essentials.length > 1 ? `${label} (and the other X.509 settings)` : label, edits: essentials });

  const out: Finding[] = [];
  if (p.tls === "false") {
    out.push({ code: "X509_TLS_DISABLED", severity: "error", option: "tls", message: "X.509 authentication happens inside TLS: the client certificate is sent in the TLS handshake. Set tls=true.", fix: fix("Set tls=true") });
  } else if (p.tls === undefined && !url.isSRV) {
    out.push({ code: "X509_TLS_MISSING", severity: "error", option: "tls", message: "X.509 needs TLS, and mongodb:// does not turn it on by itself: add tls=true.", fix: fix("Add tls=true") });
  } else if (p.tls === undefined) {
    out.push({
      code: "X509_TLS_IMPLICIT",
      severity: "warning",
      option: "tls",
      message: "mongodb+srv:// turns TLS on by itself, so this works; add tls=true anyway so that every tool reading the string agrees.",
      fix: { label: "Add tls=true", edits: [{ op: "set", key: "tls", value: "true" }] },
    });
  }
  if (p.mech === undefined) {
    out.push({ code: "X509_MECHANISM_MISSING", severity: "error", option: "authMechanism", message: "Without authMechanism=MONGODB-X509 the driver does not sign in with the certificate at all.", fix: fix("Add authMechanism=MONGODB-X509") });
  } else if (p.mech.toUpperCase() !== X509) {
    out.push({ code: "X509_MECHANISM_WRONG", severity: "error", option: "authMechanism", message: `authMechanism is ${p.mech}; Client Certificate Authentication needs MONGODB-X509.`, fix: fix("Set authMechanism=MONGODB-X509") });
  }
  if (p.source === undefined) {
    out.push({
      code: "X509_AUTH_SOURCE_MISSING",
      severity: "warning",
      option: "authSource",
      message: "authSource=$external is missing. The Node driver uses $external for MONGODB-X509 anyway (and ignores an authSource from the DNS TXT record), but other clients reading this string may not: add it, written %24external.",
      fix: { label: "Add authSource=%24external", edits: [{ op: "set", key: "authSource", value: "$external" }] },
    });
  } else if (p.source !== "$external") {
    out.push({ code: "X509_AUTH_SOURCE_WRONG", severity: "error", option: "authSource", message: `authSource is ${p.source}; X.509 users live in $external (written %24external).`, fix: fix("Set authSource=%24external") });
  }
  if (p.hasPassword) {
    out.push({ code: "X509_CREDENTIALS", severity: "error", message: "X.509 takes the user name from the certificate, and a password is not allowed: remove user name and password from the string.", fix: fix("Remove user name and password") });
  } else if (p.hasUser) {
    out.push({
      code: "X509_USERNAME_IN_STRING",
      severity: "warning",
      message: "X.509 takes the user name from the certificate; the server refuses a user name here unless it equals the certificate's subject exactly. Leave it out.",
      fix: { label: "Remove the user name", edits: [{ op: "removeUserinfo" }] },
    });
  }
  return out;
}

function passwordRules(p: Params): Finding[] {
  const out: Finding[] = [];
  const toAdmin: UriEdit[] = p.source === "$external" ? [{ op: "set", key: "authSource", value: "admin" }] : [];
  const mech = p.mech?.toUpperCase();
  if (mech === X509) {
    out.push({
      code: "PASSWORD_X509_MECHANISM",
      severity: "error",
      option: "authMechanism",
      message: "authMechanism=MONGODB-X509 signs in with a client certificate, but this connector uses a user name and password. Remove authMechanism (or choose Client Certificate Authentication).",
      fix: { label: p.source === "$external" ? "Remove authMechanism, set authSource=admin" : "Remove authMechanism", edits: [{ op: "remove", keys: ["authMechanism"] }, ...toAdmin] },
    });
  } else if (mech !== undefined && !SCRAM.includes(mech)) {
    out.push({
      code: "PASSWORD_MECHANISM_UNSUPPORTED",
      severity: "error",
      option: "authMechanism",
      message: `authMechanism is ${p.mech}; the Password scheme signs in with SCRAM (SCRAM-SHA-256 or SCRAM-SHA-1). Remove authMechanism to let the driver choose.`,
      fix: { label: "Remove authMechanism", edits: [{ op: "remove", keys: ["authMechanism"] }, ...toAdmin] },
    });
  } else if (p.source === "$external") {
    out.push({
      code: "PASSWORD_EXTERNAL_AUTH_SOURCE",
      severity: "error",
      option: "authSource",
      message: "authSource=$external is for X.509 (and LDAP/Kerberos) users; password users are created in admin.",
      fix: { label: "Set authSource=admin", edits: toAdmin },
    });
  }
  if (p.source === undefined && p.dbInPath !== "" && p.dbInPath !== "admin") {
    out.push({
      code: "PASSWORD_AUTH_SOURCE_FROM_PATH",
      severity: "warning",
      option: "authSource",
      message: `Without authSource the driver signs in against the database in the path ("${p.dbInPath}"), but Database Access creates password users in admin. Add authSource=admin.`,
      fix: { label: "Add authSource=admin", edits: [{ op: "set", key: "authSource", value: "admin" }] },
    });
  }
  if (p.hasUser) {
    out.push({
      code: "PASSWORD_CREDENTIALS_IN_STRING",
      severity: "warning",
      message: "The connector's own user name and password are used (the driver prefers them to the string's). A password in the connection string is stored as plain text: remove it.",
      fix: { label: "Remove user name and password", edits: [{ op: "removeUserinfo" }] },
    });
  }
  return out;
}

// Mechanisms with which the driver signs in using credentials it finds on the machine it runs on
// (the cloud or Kubernetes identity token, AWS keys or instance role, the Kerberos ticket cache):
// on a connector, those would be Gatehouse's own, sent to whatever host the string names.
const AMBIENT_MECHANISMS = ["MONGODB-OIDC", "MONGODB-AWS", "GSSAPI"];

function noneRules(p: Params): Finding[] {
  const out: Finding[] = [];
  const mech = p.mech?.toUpperCase();
  if (mech === X509) {
    out.push({ code: "NONE_X509_MECHANISM", severity: "error", option: "authMechanism", message: "authMechanism=MONGODB-X509 needs a client certificate: choose Client Certificate Authentication for this connector." });
  } else if (mech !== undefined && AMBIENT_MECHANISMS.includes(mech)) {
    out.push({
      code: "NONE_AMBIENT_MECHANISM",
      severity: "error",
      option: "authMechanism",
      message: `authMechanism=${p.mech} signs in with credentials the driver finds on the Gatehouse server itself (its cloud or Kubernetes identity, AWS keys, Kerberos tickets), which Gatehouse never sends to a deployment. Remove authMechanism, or choose Password or Client Certificate Authentication.`,
      fix: { label: "Remove authMechanism", edits: [{ op: "remove", keys: ["authMechanism", "authMechanismProperties"] }] },
    });
  }
  if (p.hasPassword) {
    out.push({ code: "CREDENTIALS_IN_STRING", severity: "warning", message: "The password in the connection string is stored as plain text. Choose the Password scheme, so that it is sealed, and remove it from the string." });
  }
  return out;
}

export function schemeRules(url: ConnectionString, scheme: AuthenticationScheme): Finding[] {
  const p = paramsOf(url);
  if (scheme === "x509") return x509Rules(url, p);
  if (scheme === "password") return passwordRules(p);
  return noneRules(p);
}
