import "server-only";
import { randomBytes } from "node:crypto";
import { recordAudit } from "../../audit";
import { now, nowIso } from "../../clock";
import { verifySignedEmbedQuery, type SignedUrlVerdict } from "../../embedding/signed-url";
import { newId } from "../../ids";
import { ZCheckSignedUrlInput, ZGenerateEmbeddingKeyInput, parseInput } from "../../schemas";
import { seal, unsealString } from "../../secrets";
import { actorOf, type PrincipalCtx } from "../context";
import { getProjectOrThrow } from "../guard";

// The embedding key of Verified Signature mode (deprecated in Charts; kept so that pages signing
// URLs keep working). One per project: generating a new one replaces — and so invalidates — the
// old one. Sealed at rest, as the server must reuse it to check signatures; shown once, when made.

const keyPurpose = (projectId: string, keyId: string) => `embedding-key:${projectId}:${keyId}`;

export type EmbeddingKeyInfo = { id: string; createdAt: string; createdBy: string; masked: string } | null;

export async function getEmbeddingKeyInfo(ctx: PrincipalCtx, projectId: string): Promise<EmbeddingKeyInfo> {
  const project = await getProjectOrThrow(ctx, projectId, "project.embedding.manage");
  const k = await ctx.rt.store.embedding.getKey(project.id);
  return k ? { id: k.id, createdAt: k.createdAt, createdBy: k.createdBy, masked: "••••••••••••" } : null;
}

export async function generateEmbeddingKey(ctx: PrincipalCtx, raw: unknown): Promise<{ id: string; key: string; replaced: boolean }> {
  const input = parseInput(ZGenerateEmbeddingKeyInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.embedding.manage");
  const id = newId();
  const key = randomBytes(32).toString("base64url");
  return ctx.rt.store.transaction(async (tx) => {
    const before = await tx.embedding.getKey(project.id);
    await tx.embedding.putKey({ projectId: project.id, id, sealedKey: seal(ctx.rt.masterKey, keyPurpose(project.id, id), key), createdAt: nowIso(), createdBy: actorOf(ctx).label });
    await recordAudit(tx, actorOf(ctx), {
      action: "embedding.key_generated",
      target: `project:${project.id}`,
      orgId: project.orgId,
      projectId: project.id,
      detail: { keyId: id, ...(before ? { replacedKeyId: before.id } : {}) },
    });
    return { id, key, replaced: before !== null };
  });
}

/** The project's active embedding key in clear, for checking a signature; null when none was generated. */
export async function activeEmbeddingKey(ctx: Pick<PrincipalCtx, "rt">, projectId: string): Promise<string | null> {
  const k = await ctx.rt.store.embedding.getKey(projectId);
  return k ? unsealString(ctx.rt.masterKey, keyPurpose(projectId, k.id), k.sealedKey) : null;
}

/** "Test a signed URL": whether a URL the host's server signed passes, and which rule refused it. */
export async function checkSignedUrl(ctx: PrincipalCtx, raw: unknown): Promise<SignedUrlVerdict> {
  const input = parseInput(ZCheckSignedUrlInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.embedding.manage");
  const q = input.url.includes("?") ? input.url.slice(input.url.indexOf("?") + 1) : input.url;
  const verdict = verifySignedEmbedQuery(q.replace(/#.*$/, ""), await activeEmbeddingKey(ctx, project.id), now());
  await ctx.rt.store.transaction((tx) =>
    recordAudit(tx, actorOf(ctx), {
      action: "embedding.signed_url_checked",
      target: `project:${project.id}`,
      orgId: project.orgId,
      projectId: project.id,
      detail: verdict.ok ? { accepted: true, chartId: verdict.id } : { accepted: false, code: verdict.code },
    }),
  );
  return verdict;
}
