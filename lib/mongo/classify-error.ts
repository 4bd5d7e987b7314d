import { MongoError, MongoErrorLabel, MongoServerError } from "mongodb";

// Turns whatever the driver threw into a stage and a stable code. The useful error is rarely
// the outer one: a MongoServerSelectionError carries each server's last monitoring error in
// `reason.servers`, and a MongoNetworkError carries Node's socket/TLS error as `cause`.

export type ConnectivityStage = "dns" | "tcp" | "tls" | "authentication" | "authorization" | "timeout" | "configuration";

export type ConnectivityFailureCode =
  | "SRV_LOOKUP_FAILED"
  | "SRV_RECORDS_INVALID"
  | "HOST_NOT_FOUND"
  | "DNS_UNAVAILABLE"
  | "CONNECTION_REFUSED"
  | "HOST_UNREACHABLE"
  | "CONNECTION_RESET"
  | "CONNECTION_CLOSED"
  | "TLS_SERVER_UNTRUSTED"
  | "TLS_SERVER_CERT_EXPIRED"
  | "TLS_HOSTNAME_MISMATCH"
  | "TLS_CLIENT_CERT_REJECTED"
  | "TLS_CLIENT_CERT_REQUIRED"
  | "TLS_NOT_SPOKEN"
  | "TLS_HANDSHAKE_FAILED"
  | "AUTH_NO_SUCH_USER"
  | "AUTH_FAILED"
  | "UNAUTHORIZED"
  | "TIMEOUT"
  | "SERVER_INCOMPATIBLE"
  | "SERVER_ERROR"
  | "BAD_CONNECTION_STRING"
  | "BAD_KEY_PASSWORD"
  | "BAD_KEY"
  | "BAD_CERTIFICATE"
  | "KEY_CERT_MISMATCH"
  | "CLIENT_CERT_EXPIRED"
  | "X509_USER_MISMATCH"
  | "BAD_CA"
  | "CONNECTION_FAILED";

export type Classified = {
  stage: ConnectivityStage;
  code: ConnectivityFailureCode;
  message: string;
  /** The message of the error the classification rests on (for logs; never shown as the reason). */
  detail?: string;
};

export type ClassifyContext = {
  authKind: "x509" | "password" | "none";
  /** RFC 2253 subject of the client certificate (X.509). */
  subject?: string;
  username?: string;
  authSource?: string;
  /** Whether the connection uses TLS (the driver's resolved `tls` option). */
  tls: boolean;
  srvHost?: string;
  timeoutMs: number;
};

type Errorish = Error & { code?: unknown; syscall?: unknown; hostname?: unknown; reason?: unknown; cause?: unknown; errorLabels?: unknown; address?: unknown; port?: unknown };

/** The error and everything inside it, outermost first, each once. */
export function errorChain(err: unknown): Errorish[] {
  const out: Errorish[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number) => {
    if (!(e instanceof Error) || seen.has(e) || depth > 8) return;
    seen.add(e);
    const x = e as Errorish;
    out.push(x);
    visit(x.cause, depth + 1);
    const reason = x.reason as { servers?: unknown; error?: unknown } | undefined;
    if (reason && typeof reason === "object") {
      visit(reason.error, depth + 1);
      if (reason.servers instanceof Map) for (const sd of reason.servers.values()) visit((sd as { error?: unknown })?.error, depth + 1);
    }
    if (e instanceof AggregateError) for (const inner of e.errors) visit(inner, depth + 1);
  };
  visit(err, 0);
  return out;
}

// Node reports OpenSSL's verification result for the server's certificate under these codes.
const SERVER_UNTRUSTED = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_REVOKED",
  "INVALID_CA",
  "INVALID_PURPOSE",
  "CERT_REJECTED",
  "PATH_LENGTH_EXCEEDED",
  "CERT_CHAIN_TOO_LONG",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
]);
const SERVER_EXPIRED = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID", "ERROR_IN_CERT_NOT_BEFORE_FIELD", "ERROR_IN_CERT_NOT_AFTER_FIELD"]);
const HOSTNAME = new Set(["ERR_TLS_CERT_ALTNAME_INVALID", "HOSTNAME_MISMATCH", "IP_ADDRESS_MISMATCH"]);
// TLS alerts the server sends about the certificate we presented (or did not present).
const CLIENT_CERT_ALERTS = /^ERR_SSL_(?:SSLV3_ALERT_(?:BAD_CERTIFICATE|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE)|TLSV1_ALERT_(?:UNKNOWN_CA|ACCESS_DENIED|DECRYPT_ERROR)|TLSV13_ALERT_CERTIFICATE_REQUIRED)$/;
const NOT_TLS = new Set(["ERR_SSL_WRONG_VERSION_NUMBER", "ERR_SSL_PACKET_LENGTH_TOO_LONG", "ERR_SSL_HTTP_REQUEST", "ERR_SSL_RECORD_LAYER_FAILURE"]);
const DNS_CODES = new Set(["ENOTFOUND", "ENODATA", "ESERVFAIL", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "ENONAME", "EREFUSED", "ECONNREFUSED", "ETIMEOUT", "EBADRESP", "ECANCELLED"]);

const codeOf = (e: Errorish) => (typeof e.code === "string" ? e.code : undefined);
const labels = (e: Errorish): string[] => (Array.isArray(e.errorLabels) ? (e.errorLabels as string[]) : e instanceof MongoError ? [...e.errorLabels] : []);

function describeHost(e: Errorish): string {
  if (typeof e.hostname === "string") return e.hostname;
  if (typeof e.address === "string") return typeof e.port === "number" ? `${e.address}:${e.port}` : e.address;
  return "the server";
}

// Atlas answers through a proxy with code 8000 (AtlasError) for both: "bad auth : Authentication
// failed." and "user is not allowed to do action [find] on [db.coll]".
const isAuthFailure = (code: number, msg: string) => code === 18 || code === 11 || (code === 8000 && /auth/i.test(msg) && !/not allowed|not authorized/i.test(msg));
const isUnauthorized = (code: number, msg: string) => code === 13 || (code === 8000 && /not allowed|not authorized|unauthorized/i.test(msg));

function fromServerError(e: MongoServerError, ctx: ClassifyContext): Classified {
  const code = Number(e.code);
  if (isAuthFailure(code, e.message)) {
    if (ctx.authKind === "x509") {
      const who = ctx.subject ?? "the certificate's subject";
      return { stage: "authentication", code: "AUTH_NO_SUCH_USER", message: `no database user has the name ${who} in $external — add it in Database Access` };
    }
    if (ctx.authKind === "password") {
      const who = ctx.username ? `"${ctx.username}"` : "the user";
      return code === 11
        ? { stage: "authentication", code: "AUTH_NO_SUCH_USER", message: `no database user ${who} in ${ctx.authSource ?? "admin"} — add it in Database Access` }
        : { stage: "authentication", code: "AUTH_FAILED", message: `Authentication failed for ${who} against ${ctx.authSource ?? "admin"}: wrong username or password.` };
    }
    return { stage: "authentication", code: "AUTH_FAILED", message: `The server refused to sign in: ${e.message}` };
  }
  if (isUnauthorized(code, e.message)) {
    const who = ctx.authKind === "x509" ? ctx.subject : ctx.authKind === "password" ? ctx.username : undefined;
    return {
      stage: "authorization",
      code: "UNAUTHORIZED",
      message: who
        ? `${who} signed in but may not do this (${e.message}) — give the user a role in Database Access.`
        : `The server requires signing in (${e.message}) — choose Client Certificate Authentication or Password for this connector.`,
    };
  }
  if (labels(e).includes(MongoErrorLabel.HandshakeError)) {
    return { stage: "authentication", code: "AUTH_FAILED", message: `The server refused the sign-in (code ${code}${e.codeName ? ` ${e.codeName}` : ""}): ${e.message}` };
  }
  return { stage: "configuration", code: "SERVER_ERROR", message: `The server answered with an error (code ${code}${e.codeName ? ` ${e.codeName}` : ""}): ${e.message}` };
}

function fromNodeError(e: Errorish, ctx: ClassifyContext): Classified | undefined {
  const code = codeOf(e);
  if (!code) return undefined;
  const syscall = typeof e.syscall === "string" ? e.syscall : "";
  if (syscall.startsWith("query")) {
    const name = typeof e.hostname === "string" ? e.hostname : ctx.srvHost ? `_mongodb._tcp.${ctx.srvHost}` : "the SRV name";
    if (code === "ECONNREFUSED" || code === "ETIMEOUT" || code === "ESERVFAIL" || code === "EREFUSED") {
      return { stage: "dns", code: "DNS_UNAVAILABLE", message: `The DNS server did not answer the ${syscall === "queryTxt" ? "TXT" : "SRV"} query for ${name} (${code}). The Gatehouse server's resolver may not support SRV lookups; the standard mongodb:// string with the host list avoids them.` };
    }
    return { stage: "dns", code: "SRV_LOOKUP_FAILED", message: `There is no DNS SRV record ${name} (${syscall} ${code}). Check the host name after mongodb+srv:// — it is the cluster's name as the provider shows it.` };
  }
  if (DNS_CODES.has(code) && syscall === "getaddrinfo") {
    return code === "EAI_AGAIN"
      ? { stage: "dns", code: "DNS_UNAVAILABLE", message: `The name ${describeHost(e)} could not be looked up right now (EAI_AGAIN): DNS is not reachable from the Gatehouse server.` }
      : { stage: "dns", code: "HOST_NOT_FOUND", message: `The host name ${describeHost(e)} does not exist in DNS (${code}). Check the spelling in the connection string.` };
  }
  if (code === "ECONNREFUSED") {
    return { stage: "tcp", code: "CONNECTION_REFUSED", message: `Nothing accepts connections at ${describeHost(e)} (connection refused): check the host and port, and that the server is running and reachable from the Gatehouse server.` };
  }
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "EADDRNOTAVAIL") {
    return { stage: "tcp", code: "HOST_UNREACHABLE", message: `There is no network route from the Gatehouse server to ${describeHost(e)} (${code}); a firewall or the provider's IP access list may be blocking it.` };
  }
  if (code === "ETIMEDOUT") return timeout(ctx);
  if (SERVER_UNTRUSTED.has(code)) {
    const self = code === "DEPTH_ZERO_SELF_SIGNED_CERT" ? "The server presents a self-signed certificate" : "The server's TLS certificate is not signed by a CA Gatehouse trusts";
    return { stage: "tls", code: "TLS_SERVER_UNTRUSTED", message: `${self} (${code}). Choose the CA that signed the server's certificate as the connector's trusted CA.` };
  }
  if (SERVER_EXPIRED.has(code)) return { stage: "tls", code: "TLS_SERVER_CERT_EXPIRED", message: `The server's TLS certificate is expired or not valid yet (${code}); the server's administrator must renew it.` };
  if (HOSTNAME.has(code)) {
    const why = typeof e.reason === "string" ? e.reason : e.message;
    return { stage: "tls", code: "TLS_HOSTNAME_MISMATCH", message: `The server's certificate is not made out for the host name in the connection string: ${why} Connect with a name the certificate lists.` };
  }
  if (CLIENT_CERT_ALERTS.test(code)) {
    if (ctx.authKind !== "x509") {
      return { stage: "tls", code: "TLS_CLIENT_CERT_REQUIRED", message: `The server requires a client certificate (TLS alert ${code}); choose Client Certificate Authentication for this connector.` };
    }
    return clientCertRejected(ctx, `TLS alert ${code.replace(/^ERR_SSL_/, "")}`);
  }
  if (NOT_TLS.has(code)) return { stage: "tls", code: "TLS_NOT_SPOKEN", message: `The server does not speak TLS on this port (${code}): remove tls=true, or use the server's TLS port.` };
  if (code === "ECONNRESET" && /secure TLS connection/.test(e.message)) {
    return ctx.authKind === "x509"
      ? clientCertRejected(ctx, "the server closed the connection during the TLS handshake")
      : { stage: "tls", code: "TLS_HANDSHAKE_FAILED", message: "The server closed the connection during the TLS handshake. Does it expect TLS on this port, and a client certificate?" };
  }
  if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_")) return { stage: "tls", code: "TLS_HANDSHAKE_FAILED", message: `The TLS handshake failed (${code}): ${e.message}` };
  if (code === "ECONNRESET" || code === "EPIPE") return { stage: "tcp", code: "CONNECTION_RESET", message: `The server reset the connection (${code}).` };
  return undefined;
}

function clientCertRejected(ctx: ClassifyContext, what: string): Classified {
  return {
    stage: "tls",
    code: "TLS_CLIENT_CERT_REJECTED",
    message: `The server did not accept the client certificate${ctx.subject ? ` ${ctx.subject}` : ""} (${what}). It must be signed by a CA the server trusts (for Atlas: the CA uploaded under Security › Advanced › Self-managed X.509), be valid today, and allow client authentication.`,
  };
}

function timeout(ctx: ClassifyContext): Classified {
  return { stage: "timeout", code: "TIMEOUT", message: `No answer from the server within ${Math.round(ctx.timeoutMs / 100) / 10} s. Check that the host is reachable from the Gatehouse server (firewall, IP access list).` };
}

function fromDriverError(e: Errorish, ctx: ClassifyContext): Classified | undefined {
  const name = e.name;
  if (name === "MongoNetworkTimeoutError" || name === "MongoOperationTimeoutError" || name === "MongoServerSelectionError") return undefined; // decided last
  if (name === "MongoAPIError" && /srvAllowedHostsSuffix|share hostname|parent domain|srvHostValidator|No addresses found/i.test(e.message)) {
    return { stage: "dns", code: /No addresses/.test(e.message) ? "SRV_LOOKUP_FAILED" : "SRV_RECORDS_INVALID", message: `The SRV records of ${ctx.srvHost ?? "the host"} cannot be used: ${e.message}.` };
  }
  if (name === "MongoParseError" && /[Tt]ext record/.test(e.message)) return { stage: "dns", code: "SRV_RECORDS_INVALID", message: `The DNS TXT record of ${ctx.srvHost ?? "the host"} is not valid: ${e.message}.` };
  if (name === "MongoCompatibilityError") return { stage: "configuration", code: "SERVER_INCOMPATIBLE", message: e.message };
  if (name === "MongoNetworkError" && e.cause === undefined && /closed/.test(e.message) && labels(e).includes(MongoErrorLabel.HandshakeError)) {
    // The server hung up before answering `hello`. A TLS server that rejects the client
    // certificate after a TLS 1.3 handshake does exactly this; a plain server does it when TLS
    // is required and the client did not use it.
    if (ctx.tls && ctx.authKind === "x509") return clientCertRejected(ctx, "the server closed the connection right after the TLS handshake");
    if (!ctx.tls) return { stage: "tcp", code: "CONNECTION_CLOSED", message: "The server closed the connection before answering. If it requires TLS, add tls=true to the connection string." };
    return { stage: "tcp", code: "CONNECTION_CLOSED", message: "The server closed the connection before answering; it may require a client certificate." };
  }
  if (name === "MongoParseError" || name === "MongoInvalidArgumentError" || name === "MongoAPIError" || name === "MongoMissingCredentialsError") {
    return { stage: "configuration", code: "BAD_CONNECTION_STRING", message: `The driver refuses the settings: ${e.message}` };
  }
  return undefined;
}

const STAGE_RANK: Record<ConnectivityStage, number> = { configuration: 0, authorization: 1, authentication: 1, tls: 2, dns: 3, tcp: 4, timeout: 5 };

export function classifyConnectivityError(err: unknown, ctx: ClassifyContext): Classified {
  const chain = errorChain(err);
  const found: Classified[] = [];
  for (const e of chain) {
    const c = e instanceof MongoServerError || e.name === "MongoServerError" ? fromServerError(e as MongoServerError, ctx) : (fromNodeError(e, ctx) ?? fromDriverError(e, ctx));
    if (c) found.push({ ...c, detail: e.message });
  }
  // In a replica set each member has its own last error: report the most specific one.
  found.sort((a, b) => STAGE_RANK[a.stage] - STAGE_RANK[b.stage]);
  if (found[0]) return found[0];
  const outer = chain[0];
  const detail = outer ? outer.message : String(err);
  if (chain.some((e) => /Timeout|timed out/i.test(`${e.name} ${e.message}`))) return { ...timeout(ctx), detail };
  return { stage: "tcp", code: "CONNECTION_FAILED", message: `The connection failed: ${detail}`, detail };
}
