import "server-only";
import { recordAudit } from "../../audit";
import { can } from "../../authz";
import { now, nowIso } from "../../clock";
import { EMBED_ERROR } from "../../embedding/codes";
import { checkKeyUrl, KeyFetchError } from "../../embedding/fetch-keys";
import { hs256Secret, KeyMaterialError, rs256FromJwkText, rs256FromPem } from "../../embedding/keys";
import { verifyEmbeddingToken, type TokenVerdict } from "../../embedding/verify-token";
import { notFound, validationError } from "../../errors";
import { newId } from "../../ids";
import { ZCheckEmbeddingTokenInput, ZCreateEmbeddingProviderInput, ZDeleteEmbeddingProviderInput, ZUpdateEmbeddingProviderInput, parseInput } from "../../schemas";
import { seal } from "../../secrets";
import type { EmbeddingProviderRecord, EmbeddingProviderSettings } from "../../store/embedding-types";
import type { ProjectRecord } from "../../store/types";
import { actorOf, type PrincipalCtx } from "../context";
import { getProjectOrThrow } from "../guard";
import { fetchPolicy, fetchUrlKeys, providerKeys, refreshProviderKeys, secretPurpose, toTokenProvider } from "./provider-keys";

// One field's error, shown next to it.
const field = validationError;

export type EmbeddingProviderDto = {
  id: string;
  name: string;
  type: EmbeddingProviderSettings["type"];
  /** What the list shows in its Provider and Settings columns. */
  typeLabel: string;
  summary: string;
  algorithm: "HS256" | "RS256" | null;
  keySource: "jwks-url" | "jwk" | "pem" | null;
  jwksUrl: string | null;
  jwk: string | null;
  pem: string | null;
  audience: string | null;
  clientId: string | null;
  /** HS256: whether a secret is stored (never the secret). */
  hasSecret: boolean;
  version: number;
  updatedAt: string;
};

const SOURCE_LABEL = { "jwks-url": "JWK or JWKS URL", jwk: "JWK", pem: "PEM Public Key" } as const;

export function toProviderDto(p: EmbeddingProviderRecord): EmbeddingProviderDto {
  const s = p.settings;
  const base = { id: p.id, name: p.name, type: s.type, version: p.version, updatedAt: p.updatedAt, hasSecret: p.sealedSecret !== null };
  const none = { algorithm: null, keySource: null, jwksUrl: null, jwk: null, pem: null, audience: null, clientId: null };
  if (s.type === "google") return { ...base, ...none, typeLabel: "Google", summary: `Client ID ${s.clientId}`, clientId: s.clientId };
  const aud = s.audience ? `; audience "${s.audience}"` : "";
  if (s.algorithm === "HS256") return { ...base, ...none, typeLabel: "Custom JWT", summary: `HS256 with a shared secret${aud}`, algorithm: "HS256", audience: s.audience };
  const from = s.keySource === "jwks-url" ? `${SOURCE_LABEL[s.keySource]} ${s.url}` : SOURCE_LABEL[s.keySource];
  return {
    ...base,
    ...none,
    typeLabel: "Custom JWT",
    summary: `RS256, ${from}${aud}`,
    algorithm: "RS256",
    keySource: s.keySource,
    jwksUrl: s.keySource === "jwks-url" ? s.url : null,
    jwk: s.keySource === "jwk" ? s.jwk : null,
    pem: s.keySource === "pem" ? s.pem : null,
    audience: s.audience,
  };
}

type Fields = ReturnType<typeof ZCreateEmbeddingProviderInput.parse>;

/**
 * The settings to store, each key checked the way verification will use it: a secret long
 * enough, a PEM that is an RSA public key, a JWK(S) with an RS256 key, a URL that answers with
 * one (fetched now, under the SSRF guard, so a wrong URL is said at once rather than when the
 * first viewer is refused). `keep` is the provider being edited: a blank secret keeps its own.
 */
async function resolveSettings(ctx: PrincipalCtx, input: Fields, id: string, keep?: EmbeddingProviderRecord): Promise<{ settings: EmbeddingProviderSettings; sealedSecret: string | null }> {
  const keyError = (name: string) => (err: unknown) => {
    if (err instanceof KeyMaterialError || err instanceof KeyFetchError) throw field(name, err.message);
    throw err;
  };
  if (input.type === "google") return { settings: { type: "google", clientId: input.clientId! }, sealedSecret: null };
  const audience = input.audience ?? null;
  if (input.algorithm === "HS256") {
    if (input.secret) {
      try {
        hs256Secret(input.secret);
      } catch (err) {
        keyError("secret")(err);
      }
      return { settings: { type: "custom-jwt", algorithm: "HS256", audience }, sealedSecret: seal(ctx.rt.masterKey, secretPurpose(id), input.secret) };
    }
    if (keep?.sealedSecret && keep.settings.type === "custom-jwt" && keep.settings.algorithm === "HS256") return { settings: { type: "custom-jwt", algorithm: "HS256", audience }, sealedSecret: keep.sealedSecret };
    throw field("secret", "Enter the secret your server signs the tokens with (HS256).");
  }
  if (input.keySource === "pem") {
    try {
      rs256FromPem(input.pem!);
    } catch (err) {
      keyError("pem")(err);
    }
    return { settings: { type: "custom-jwt", algorithm: "RS256", audience, keySource: "pem", pem: input.pem! }, sealedSecret: null };
  }
  if (input.keySource === "jwk") {
    try {
      rs256FromJwkText(input.jwk!);
    } catch (err) {
      keyError("jwk")(err);
    }
    return { settings: { type: "custom-jwt", algorithm: "RS256", audience, keySource: "jwk", jwk: input.jwk! }, sealedSecret: null };
  }
  const policy = fetchPolicy(ctx.rt);
  try {
    const url = checkKeyUrl(input.jwksUrl!, policy).toString();
    await fetchUrlKeys(ctx.rt, url, { remember: true });
    return { settings: { type: "custom-jwt", algorithm: "RS256", audience, keySource: "jwks-url", url }, sealedSecret: null };
  } catch (err) {
    return keyError("jwksUrl")(err);
  }
}

const auditDetail = (p: Pick<EmbeddingProviderRecord, "name" | "settings">) => ({ name: p.name, ...p.settings, ...("pem" in p.settings ? { pem: "(PEM public key)" } : {}), ...("jwk" in p.settings ? { jwk: "(JWK)" } : {}) });

export async function getProviderOrThrow(ctx: PrincipalCtx, project: ProjectRecord, providerId: string): Promise<EmbeddingProviderRecord> {
  const p = await ctx.rt.store.embedding.getProvider(providerId);
  if (!p || p.projectId !== project.id) throw notFound("This authentication provider");
  return p;
}

/** The Embedding page, for anyone in the project; `canManage`: whether Authentication Settings open for them. */
export async function getEmbeddingPage(ctx: PrincipalCtx, projectId: string): Promise<{ canManage: boolean }> {
  const project = await getProjectOrThrow(ctx, projectId, "project.embedding.read");
  return { canManage: can(ctx.principal, "project.embedding.manage", { orgId: project.orgId, projectId: project.id }) };
}

export async function listEmbeddingProviders(ctx: PrincipalCtx, projectId: string): Promise<EmbeddingProviderDto[]> {
  const project = await getProjectOrThrow(ctx, projectId, "project.embedding.manage");
  return (await ctx.rt.store.embedding.listProviders(project.id)).map(toProviderDto);
}

export async function createEmbeddingProvider(ctx: PrincipalCtx, raw: unknown): Promise<EmbeddingProviderDto> {
  const input = parseInput(ZCreateEmbeddingProviderInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.embedding.manage");
  const id = newId();
  const { settings, sealedSecret } = await resolveSettings(ctx, input, id);
  const t = nowIso();
  const p: EmbeddingProviderRecord = { id, projectId: project.id, name: input.name, settings, sealedSecret, version: 1, createdAt: t, updatedAt: t };
  await ctx.rt.store.transaction(async (tx) => {
    await tx.embedding.insertProvider(p);
    await recordAudit(tx, actorOf(ctx), { action: "embedding.provider_created", target: `embedding_provider:${id}`, orgId: project.orgId, projectId: project.id, detail: auditDetail(p) });
  });
  return toProviderDto(p);
}

export async function updateEmbeddingProvider(ctx: PrincipalCtx, raw: unknown): Promise<EmbeddingProviderDto> {
  const input = parseInput(ZUpdateEmbeddingProviderInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.embedding.manage");
  const before = await getProviderOrThrow(ctx, project, input.providerId);
  const { settings, sealedSecret } = await resolveSettings(ctx, input, before.id, before);
  return ctx.rt.store.transaction(async (tx) => {
    const after = await tx.embedding.updateProvider(before.id, input.version, { name: input.name, settings, sealedSecret });
    await recordAudit(tx, actorOf(ctx), {
      action: "embedding.provider_updated",
      target: `embedding_provider:${before.id}`,
      orgId: project.orgId,
      projectId: project.id,
      detail: { ...auditDetail(after), ...(sealedSecret !== before.sealedSecret && sealedSecret ? { secretChanged: true } : {}) },
    });
    return toProviderDto(after);
  });
}

/** After this, tokens only this provider admitted are refused: the charts they opened stop rendering. */
export async function deleteEmbeddingProvider(ctx: PrincipalCtx, raw: unknown): Promise<{ id: string }> {
  const input = parseInput(ZDeleteEmbeddingProviderInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.embedding.manage");
  const p = await getProviderOrThrow(ctx, project, input.providerId);
  if (input.confirmName !== p.name) throw field("confirmName", `Type "${p.name}" to confirm.`);
  await ctx.rt.store.transaction(async (tx) => {
    await tx.embedding.deleteProvider(p.id, input.version);
    await recordAudit(tx, actorOf(ctx), { action: "embedding.provider_deleted", target: `embedding_provider:${p.id}`, orgId: project.orgId, projectId: project.id, detail: { name: p.name, type: p.settings.type } });
  });
  return { id: p.id };
}

/**
 * The project's providers applied to a viewer's token, exactly as an embedded chart applies them.
 * The verdict's messages and per-provider attempts name providers, audiences and fetch errors:
 * they are for the project's owners (Test a token). A route that answers anonymous viewers must
 * pass on the code and a generic message only.
 */
export async function verifyProjectToken(ctx: Pick<PrincipalCtx, "rt">, projectId: string, token: string | null): Promise<TokenVerdict> {
  const providers = await ctx.rt.store.embedding.listProviders(projectId);
  const byId = new Map(providers.map((p) => [p.id, p]));
  const verify = () => verifyEmbeddingToken(token, providers.map(toTokenProvider), { now: now(), resolveKeys: (tp) => providerKeys(ctx.rt, byId.get(tp.id)!) });
  const verdict = await verify();
  if (verdict.ok || verdict.code !== EMBED_ERROR.NO_MATCHING_PROVIDER) return verdict;
  // No key matched: a provider whose keys come from a URL may have rotated them since we read it.
  const refreshed = providers.filter((p) => refreshProviderKeys(ctx.rt, p));
  return refreshed.length ? verify() : verdict;
}

/**
 * Authentication Settings › "Test a token": a Project Owner pastes a viewer's token and sees
 * whether it would open the project's embedded charts, and if not, which rule refused it for
 * each provider. The token itself is neither stored nor audited.
 */
export async function checkEmbeddingToken(ctx: PrincipalCtx, raw: unknown): Promise<TokenVerdict> {
  const input = parseInput(ZCheckEmbeddingTokenInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.embedding.manage");
  const verdict = await verifyProjectToken(ctx, project.id, input.token);
  await ctx.rt.store.transaction((tx) =>
    recordAudit(tx, actorOf(ctx), {
      action: "embedding.token_checked",
      target: `project:${project.id}`,
      orgId: project.orgId,
      projectId: project.id,
      detail: verdict.ok ? { accepted: true, provider: verdict.providerName } : { accepted: false, code: verdict.code },
    }),
  );
  return verdict;
}
