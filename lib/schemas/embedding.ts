import { z } from "zod";
import { ZId, ZName, ZVersion } from "./common";

export const EMBEDDING_PROVIDER_TYPES = ["custom-jwt", "google"] as const;
export const EMBEDDING_ALGORITHMS = ["HS256", "RS256"] as const;
export const RS256_KEY_SOURCES = ["jwks-url", "jwk", "pem"] as const;

const ZOptionalText = (max: number, message: string) =>
  z
    .string()
    .max(max, message)
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : undefined));

// One flat form (the fields a provider type does not use are ignored); what a type requires is
// checked below, next to the field the user must fill in.
const ZProviderFields = z
  .object({
    projectId: ZId,
    name: ZName("provider"),
    type: z.enum(EMBEDDING_PROVIDER_TYPES, "Choose a provider: Custom JWT or Google."),
    algorithm: z.enum(EMBEDDING_ALGORITHMS, "Choose the signing algorithm: HS256 or RS256.").optional(),
    /** HS256, write-only: blank on edit keeps the stored secret. Kept byte for byte (never trimmed): it must equal the signer's. */
    secret: z
      .string()
      .max(4096, "A signing secret has at most 4,096 characters.")
      .optional()
      .transform((v) => (v && v.trim() ? v : undefined)),
    keySource: z.enum(RS256_KEY_SOURCES, "Choose where the RS256 key comes from: JWK or JWKS URL, JWK, or PEM Public Key.").optional(),
    jwksUrl: ZOptionalText(2048, "A URL has at most 2,048 characters."),
    jwk: ZOptionalText(65536, "A JWK or JWKS has at most 64 KiB."),
    pem: ZOptionalText(16384, "A PEM public key has at most 16 KiB."),
    audience: ZOptionalText(256, "An audience has at most 256 characters."),
    clientId: ZOptionalText(256, "A client ID has at most 256 characters."),
  });

function requiredByType(v: z.output<typeof ZProviderFields>, ctx: z.RefinementCtx) {
  const need = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if (v.type === "google") {
    if (!v.clientId) need("clientId", "Enter your application's Google Client ID, e.g. 1234-abc.apps.googleusercontent.com.");
    else if (!/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.apps\.googleusercontent\.com$/.test(v.clientId)) need("clientId", "A Google Client ID has the form <prefix>.apps.googleusercontent.com.");
    return;
  }
  if (!v.algorithm) return need("algorithm", "Choose the signing algorithm: HS256 or RS256.");
  if (v.algorithm === "RS256") {
    if (!v.keySource) return need("keySource", "Choose where the RS256 key comes from: JWK or JWKS URL, JWK, or PEM Public Key.");
    if (v.keySource === "jwks-url" && !v.jwksUrl) need("jwksUrl", "Enter the URL of the JWK or JWKS file, e.g. https://example.com/.well-known/jwks.json.");
    if (v.keySource === "jwk" && !v.jwk) need("jwk", "Paste the JWK or JWKS (JSON) with the public key.");
    if (v.keySource === "pem" && !v.pem) need("pem", "Paste the public key (or certificate) in PEM format.");
  }
}

export const ZCreateEmbeddingProviderInput = ZProviderFields.superRefine(requiredByType);
export type TCreateEmbeddingProviderInput = z.input<typeof ZCreateEmbeddingProviderInput>;

export const ZUpdateEmbeddingProviderInput = ZProviderFields.extend({ providerId: ZId, version: ZVersion }).superRefine(requiredByType);
export type TUpdateEmbeddingProviderInput = z.input<typeof ZUpdateEmbeddingProviderInput>;

export const ZDeleteEmbeddingProviderInput = z.object({ projectId: ZId, providerId: ZId, version: ZVersion, confirmName: z.string().max(200) });

export const ZCheckEmbeddingTokenInput = z.object({
  projectId: ZId,
  token: z.string().max(16384, "A token has at most 16 KiB.").default(""),
});

export const ZCheckSignedUrlInput = z.object({
  projectId: ZId,
  url: z.string().trim().min(1, "Paste the signed URL (or its query string).").max(16384, "A URL has at most 16 KiB."),
});

export const ZGenerateEmbeddingKeyInput = z.object({ projectId: ZId });
