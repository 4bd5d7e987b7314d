import { X509Certificate } from "node:crypto";
import type { TLSSocket } from "node:tls";
import { parseCertificate } from "../../../lib/pki/certificate";
import { clusterMemberKey, formatRfc2253 } from "../../../lib/pki/names";
import { CommandError, authenticationFailed } from "./errors";
import type { UserStore } from "./users";

// MONGODB-X509 as mongod 7.0 runs it (src/mongo/db/commands/authentication_commands.cpp
// _authenticateX509 and CmdAuthenticate): the user is the verified client certificate's subject
// as an RFC 2253 string, looked up by exact string in "$external". The authenticate command turns
// every failure into AuthenticationFailed "Authentication failed." except UserNotFound and
// ProtocolError, which reach the client as they are.

export type PeerIdentity = {
  /** A certificate was presented and verified against the CA file; only then is there a subject. */
  verified: boolean;
  presented: boolean;
  /** The subject as `openssl x509 -subject -nameopt RFC2253` prints it (lib/pki/names formatRfc2253). */
  subject?: string;
  /** O/OU/DC of the subject: equal to the server's own means "cluster member". */
  clusterKey?: string;
  /** Why the certificate was not verified (allowInvalidCertificates mode), for the log. */
  error?: string;
};

function subjectOf(raw: Uint8Array): { subject?: string; clusterKey?: string } {
  try {
    const { subjectDer } = parseCertificate(raw);
    return { subject: formatRfc2253(subjectDer), clusterKey: clusterMemberKey(subjectDer) };
  } catch {
    // A subject OpenSSL cannot print: mongod has no usable name for it either.
    return {};
  }
}

// X509_verify_cert_error_string() for the codes Node reports in authorizationError (OpenSSL 3).
const VERIFY_ERRORS: Record<string, string> = {
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "unable to get local issuer certificate",
  UNABLE_TO_GET_ISSUER_CERT: "unable to get issuer certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "unable to verify the first certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed certificate in certificate chain",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
  CERT_HAS_EXPIRED: "certificate has expired",
  CERT_NOT_YET_VALID: "certificate is not yet valid",
  CERT_SIGNATURE_FAILURE: "certificate signature failure",
  INVALID_PURPOSE: "unsupported certificate purpose",
  CERT_REVOKED: "certificate revoked",
};

/** What mongod's SSLPeerInfo holds for a TLS connection once the handshake is done. */
export function peerIdentity(socket: TLSSocket): PeerIdentity {
  const cert = socket.getPeerX509Certificate();
  if (!cert) return { verified: false, presented: false };
  if (!socket.authorized) {
    // --tlsAllowInvalidCertificates: the connection is allowed, but the subject is not trusted.
    const code = String(socket.authorizationError ?? "unverified");
    return { verified: false, presented: true, error: VERIFY_ERRORS[code] ?? code };
  }
  return { verified: true, presented: true, ...subjectOf(cert.raw) };
}

/** The O/OU/DC key of the server's own certificate (the first certificate of its PEM). */
export function serverClusterKey(certPem: string): string | undefined {
  return subjectOf(new X509Certificate(certPem).raw).clusterKey;
}

export type X509Result = { user: string; db: "$external" };

/**
 * One `authenticate` (or speculative authenticate in hello) with mechanism MONGODB-X509.
 * `log` receives the real reason where mongod would log it and the client sees only
 * "Authentication failed.".
 */
export function authenticateX509(args: {
  peer: PeerIdentity | undefined;
  db: string;
  user: unknown;
  users: UserStore;
  serverClusterKey?: string;
  log: (line: string) => void;
}): X509Result {
  const { peer, db, users, log } = args;
  const fail = (why: string) => {
    log(`MONGODB-X509 authentication failed: ${why}`);
    return authenticationFailed();
  };
  if (!peer?.subject) throw fail(peer?.presented ? `client certificate not verified (${peer.error ?? "no subject"})` : "No verified subject name available from client");
  if (args.user !== undefined && args.user !== null && args.user !== "" && args.user !== peer.subject) {
    throw fail(`There is no x.509 client certificate matching the user. (requested "${String(args.user)}", certificate "${peer.subject}")`);
  }
  if (db !== "$external") throw new CommandError(17, "X.509 authentication must always use the $external database.");
  if (peer.clusterKey !== undefined && peer.clusterKey === args.serverClusterKey) {
    // clusterAuthMode is not x509 here and enforceUserClusterSeparation defaults to true.
    throw fail(
      "The provided certificate can only be used for cluster authentication, not client authentication. The current configuration does not allow x.509 cluster authentication, check the --clusterAuthMode flag",
    );
  }
  if (!users.get("$external", peer.subject)) {
    log(`MONGODB-X509 authentication failed: UserNotFound for "${peer.subject}"`);
    throw new CommandError(11, `Could not find user "${peer.subject}" for db "$external"`);
  }
  return { user: peer.subject, db: "$external" };
}
