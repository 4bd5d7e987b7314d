import type { SecureContext } from "node:tls";
import { MongoClient, type Document, type MongoClientOptions } from "mongodb";
import { classifyConnectivityError, type Classified, type ClassifyContext, type ConnectivityFailureCode, type ConnectivityStage } from "./classify-error";
import { checkCaPem, checkClientMaterial } from "./client-material";
import { analyzeConnectionString, connectionStringForDriver, type ConnectionStringAnalysis } from "./connection-string";

// "Enable" on a connector: connect with the official driver exactly as the connector will, and
// say in plain words which stage failed. Key, certificate, passphrase and CA stay in memory:
// they become one TLS context (client-material.ts) that the driver passes to tls.connect, so a
// decrypted key never touches disk.

export type ConnectivityAuth =
  | { kind: "x509"; keyPem: string; certPem: string; passphrase?: string }
  | { kind: "password"; username: string; password: string }
  | { kind: "none" };

export type ConnectivityRole = { role: string; db: string };

export type ConnectivitySuccess = {
  ok: true;
  /** The user the server says we are (for X.509 the certificate's RFC 2253 subject). */
  user?: string;
  db?: string;
  roles: ConnectivityRole[];
  serverVersion?: string;
  durationMs: number;
};

export type ConnectivityFailure = {
  ok: false;
  stage: ConnectivityStage;
  code: ConnectivityFailureCode;
  message: string;
  /** The client certificate's subject (the X.509 user name), when a certificate was used. */
  subject?: string;
  /** The driver's own message, for logs. */
  detail?: string;
  durationMs: number;
};

export type ConnectivityResult = ConnectivitySuccess | ConnectivityFailure;

/** The part of MongoClient the check uses; tests pass a fake. */
export type MongoClientLike = {
  connect(): Promise<unknown>;
  db(name: string): { command(command: Document): Promise<Document> };
  close(): Promise<void>;
  on?(event: "topologyDescriptionChanged", listener: (event: { newDescription: { servers: Map<string, { error?: unknown }> } }) => void): unknown;
  options?: { credentials?: { source?: string } };
};

export type MongoClientConstructor = new (url: string, options?: MongoClientOptions) => MongoClientLike;

export type CheckConnectivityInput = {
  uri: string;
  /** The connector's Database Name: the signed-in user must have a role that reaches it. */
  database?: string;
  auth: ConnectivityAuth;
  /** Trusted CA for the server's certificate (PEM); Node's public roots when absent. */
  caPem?: string;
  timeoutMs?: number;
  MongoClientImpl?: MongoClientConstructor;
};

export const DEFAULT_TIMEOUT_MS = 10_000;

const option = (a: ConnectionStringAnalysis, name: string) => Object.entries(a.options).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

function usesTls(a: ConnectionStringAnalysis): boolean {
  const v = option(a, "tls") ?? option(a, "ssl");
  return v === "true" || (v === undefined && a.srv);
}

/** A user name written in the string (X.509 lets the server compare it with the certificate). */
function userInString(uri: string): string | undefined {
  const m = /^mongodb(?:\+srv)?:\/\/([^:@/]+)(?::[^@]*)?@/.exec(uri.trim());
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1];
  }
}

// Stages that waiting longer does not fix; when every server has failed with one, the check
// reports it at once instead of after the whole server selection timeout.
const DEFINITIVE: ConnectivityFailureCode[] = ["SRV_LOOKUP_FAILED", "HOST_NOT_FOUND", "CONNECTION_REFUSED", "HOST_UNREACHABLE", "TLS_SERVER_UNTRUSTED", "TLS_SERVER_CERT_EXPIRED", "TLS_HOSTNAME_MISMATCH", "TLS_CLIENT_CERT_REJECTED", "TLS_CLIENT_CERT_REQUIRED", "TLS_NOT_SPOKEN", "TLS_HANDSHAKE_FAILED"];

type Privilege = { resource?: { db?: string; collection?: string; anyResource?: boolean; cluster?: boolean } };

const reaches = (database: string) => (p: Privilege) => p.resource?.anyResource === true || p.resource?.db === database || p.resource?.db === "";

/** Everything decided before the network: the driver's URI and options, or why not. */
export type PreparedConnection =
  | { ok: true; uri: string; options: MongoClientOptions; ctx: ClassifyContext; analysis: ConnectionStringAnalysis; subject?: string }
  | { ok: false; failure: Classified; subject?: string };

/**
 * Reads the connection string as the driver will and turns the credentials into driver options
 * (a TLS context built in memory for X.509). A wrong key password, a bad CA or a string the
 * driver would refuse fail here, before any network call.
 */
export function prepareConnection(input: Omit<CheckConnectivityInput, "MongoClientImpl">): PreparedConnection {
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { auth } = input;
  let subject: string | undefined;
  const fail = (failure: Classified): PreparedConnection => ({ ok: false, failure, ...(subject ? { subject } : {}) });

  const analysis = analyzeConnectionString(input.uri, auth.kind);
  if (!analysis.ok) {
    const errors = analysis.problems.filter((p) => p.severity === "error");
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? "s" : ""} with the connection string)` : "";
    return fail({ stage: "configuration", code: "BAD_CONNECTION_STRING", message: `${errors[0]?.message ?? "The connection string is not valid."}${more}` });
  }
  if (input.caPem !== undefined) {
    const bad = checkCaPem(input.caPem);
    if (bad) return fail(bad);
  }
  let secureContext: SecureContext | undefined;
  if (auth.kind === "x509") {
    const material = checkClientMaterial({ ...auth, caPem: input.caPem });
    if (!material.ok) {
      subject = material.subject;
      return fail(material.failure);
    }
    subject = material.material.subject;
    secureContext = material.material.secureContext;
    const named = userInString(input.uri);
    if (named !== undefined && named !== subject) {
      return fail({ stage: "configuration", code: "X509_USER_MISMATCH", message: `The connection string names the user ${named}, but the certificate's subject is ${subject}; the server refuses that. Remove the user name from the string.` });
    }
  }

  const options: MongoClientOptions = {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
    ...(option(analysis, "appName") === undefined ? { appName: "Gatehouse connectivity check" } : {}),
    // tls.connect builds its context from key/cert/passphrase/ca unless it is handed one.
    ...(secureContext ? { secureContext } : input.caPem !== undefined ? { ca: input.caPem } : {}),
    ...(auth.kind === "password" ? { auth: { username: auth.username, password: auth.password } } : {}),
  };
  const ctx: ClassifyContext = {
    authKind: auth.kind,
    subject,
    username: auth.kind === "password" ? auth.username : undefined,
    tls: usesTls(analysis),
    srvHost: analysis.srv ? analysis.hosts[0] : undefined,
    timeoutMs,
  };
  return { ok: true, uri: connectionStringForDriver(analysis.normalized!), options, ctx, analysis, ...(subject ? { subject } : {}) };
}

export async function checkConnectivity(input: CheckConnectivityInput): Promise<ConnectivityResult> {
  const started = performance.now();
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { auth } = input;
  const prepared = prepareConnection(input);
  const subject = prepared.subject;
  const fail = (c: Classified): ConnectivityFailure => ({
    ok: false,
    ...c,
    ...(subject ? { subject } : {}),
    durationMs: Math.round(performance.now() - started),
  });
  if (!prepared.ok) return fail(prepared.failure);
  const { ctx, analysis } = prepared;

  const Impl = input.MongoClientImpl ?? MongoClient;
  let client: MongoClientLike;
  try {
    client = new Impl(prepared.uri, prepared.options);
  } catch (err) {
    return fail(classifyConnectivityError(err, ctx));
  }
  ctx.authSource = client.options?.credentials?.source ?? option(analysis, "authSource") ?? "admin";

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    // The driver's own timeouts cover each step; this one bounds the whole check.
    timer = setTimeout(() => reject(Object.assign(new Error(`check timed out after ${timeoutMs} ms`), { name: "MongoOperationTimeoutError" })), timeoutMs + Math.min(2_000, timeoutMs / 2));
  });
  const allServersFailed = new Promise<never>((_, reject) => {
    client.on?.("topologyDescriptionChanged", ({ newDescription }) => {
      const errors = [...newDescription.servers.values()].map((s) => s.error);
      if (errors.length > 0 && errors.every((e) => e != null && DEFINITIVE.includes(classifyConnectivityError(e, ctx).code))) {
        reject(new AggregateError(errors, "every server failed"));
      }
    });
  });
  const step = <T>(p: Promise<T>) => Promise.race([p, deadline, allServersFailed]);
  deadline.catch(() => undefined);
  allServersFailed.catch(() => undefined);

  try {
    const connecting = client.connect();
    connecting.catch(() => undefined); // abandoned when a server fails for good; close() settles it
    await step(connecting);
    const admin = client.db("admin");
    await step(admin.command({ ping: 1 }));
    const status = await step(admin.command({ connectionStatus: 1, showPrivileges: true }));
    const build = await step(admin.command({ buildInfo: 1 }));
    const authInfo = (status.authInfo ?? {}) as { authenticatedUsers?: { user: string; db: string }[]; authenticatedUserRoles?: ConnectivityRole[]; authenticatedUserPrivileges?: Privilege[] };
    const user = authInfo.authenticatedUsers?.[0];
    const roles = (authInfo.authenticatedUserRoles ?? []).map((r) => ({ role: String(r.role), db: String(r.db) }));
    if (auth.kind !== "none" && !user) {
      return fail({ stage: "authentication", code: "AUTH_FAILED", message: "The server reports no signed-in user after connecting; check authMechanism in the connection string." });
    }
    if (input.database) {
      if (auth.kind === "none") {
        // Fails with 13 (Unauthorized) when the server requires signing in.
        await step(client.db(input.database).command({ listCollections: 1, nameOnly: true, authorizedCollections: true }));
      } else if (Array.isArray(authInfo.authenticatedUserPrivileges) && !authInfo.authenticatedUserPrivileges.some(reaches(input.database))) {
        const list = roles.length ? roles.map((r) => `${r.role}@${r.db}`).join(", ") : "none";
        return fail({ stage: "authorization", code: "UNAUTHORIZED", message: `${user!.user} signed in, but none of its roles (${list}) reaches the database "${input.database}" — give it a role on that database in Database Access.` });
      }
    }
    return {
      ok: true,
      ...(user ? { user: user.user, db: user.db } : {}),
      roles,
      ...(typeof build.version === "string" ? { serverVersion: build.version } : {}),
      durationMs: Math.round(performance.now() - started),
    };
  } catch (err) {
    return fail(classifyConnectivityError(err, ctx));
  } finally {
    clearTimeout(timer);
    // A close that hangs (a server that stopped answering mid-check) must not hold the result.
    let closeTimer: NodeJS.Timeout | undefined;
    await Promise.race([client.close().catch(() => undefined), new Promise((r) => (closeTimer = setTimeout(r, 2_000)))]);
    clearTimeout(closeTimer);
  }
}
