// Option names Gatehouse treats specially. The driver accepts all of these in a connection
// string (connection_string.ts OPTIONS in mongodb 7.9; connection-string.test.ts checks that it
// still does), so it would never complain about them itself.

/** Paths on the machine that runs the driver, i.e. the Gatehouse server, and the key password. */
export const FILE_OPTIONS = ["tlsCertificateKeyFile", "tlsCertificateKeyFilePassword", "tlsCAFile", "tlsCRLFile"] as const;

/** Node `tls.connect` options the driver copies from the string as text (typed `any`). */
export const TLS_MATERIAL_OPTIONS = ["key", "cert", "ca", "pfx", "passphrase", "crl"] as const;

/**
 * Client-object options that the driver also reads from the string but that are not connection
 * string options (none is in the URI options spec). As text they are useless or harmful:
 * `checkServerIdentity=x` or `lookup=x` break the TLS/TCP connect, `raw=true` turns every reply
 * into a Buffer, `rejectUnauthorized=false` looks like it disables verification but does not.
 */
export const NODE_ONLY_OPTIONS = [
  "allowPartialTrustChain",
  "minDHSize",
  "pskCallback",
  "secureContext",
  "enableTrace",
  "requestCert",
  "rejectUnauthorized",
  "checkServerIdentity",
  "ALPNProtocols",
  "SNICallback",
  "session",
  "requestOCSP",
  "localAddress",
  "localPort",
  "hints",
  "lookup",
  "ciphers",
  "ecdhCurve",
  "secureProtocol",
  "index",
  "connectionType",
  "srvPoller",
  "raw",
  "promoteLongs",
  "promoteValues",
  "promoteBuffers",
  "bsonRegExp",
  "fieldsAsRaw",
  "serializeFunctions",
  "ignoreUndefined",
  "checkKeys",
  "monitorCommands",
  "forceServerObjectId",
  "mongodbLogPath",
] as const;

/** Removed from the string before Gatehouse hands it to the driver (connectivity check). */
export const STRIPPED_BEFORE_CONNECT: readonly string[] = [...FILE_OPTIONS, ...TLS_MATERIAL_OPTIONS, ...NODE_ONLY_OPTIONS];

/** Options that switch certificate checks off (the driver's own names). */
export const INSECURE_TLS_OPTIONS = ["tlsInsecure", "tlsAllowInvalidCertificates", "tlsAllowInvalidHostnames"] as const;

/** Deprecated options with a direct replacement (the driver's own deprecation messages name them). */
export const RENAMED_OPTIONS: Record<string, string> = { j: "journal", wtimeout: "wtimeoutMS" };

export const isIn = (list: readonly string[], key: string) => list.some((k) => k.toLowerCase() === key.toLowerCase());
