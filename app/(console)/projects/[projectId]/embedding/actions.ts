"use server";

import { authedAction } from "@/lib/next/safe-action";
import { ZCheckEmbeddingTokenInput, ZCheckSignedUrlInput, ZCreateEmbeddingProviderInput, ZDeleteEmbeddingProviderInput, ZGenerateEmbeddingKeyInput, ZUpdateEmbeddingProviderInput } from "@/lib/schemas";
import { checkSignedUrl, generateEmbeddingKey } from "@/lib/server/embedding/embedding-key";
import { checkEmbeddingToken, createEmbeddingProvider, deleteEmbeddingProvider, updateEmbeddingProvider } from "@/lib/server/embedding/providers";

export const createEmbeddingProviderAction = authedAction.inputSchema(ZCreateEmbeddingProviderInput).action(async ({ clientInput, ctx }) => createEmbeddingProvider(ctx, clientInput));
export const updateEmbeddingProviderAction = authedAction.inputSchema(ZUpdateEmbeddingProviderInput).action(async ({ clientInput, ctx }) => updateEmbeddingProvider(ctx, clientInput));
export const deleteEmbeddingProviderAction = authedAction.inputSchema(ZDeleteEmbeddingProviderInput).action(async ({ clientInput, ctx }) => deleteEmbeddingProvider(ctx, clientInput));
export const checkEmbeddingTokenAction = authedAction.inputSchema(ZCheckEmbeddingTokenInput).action(async ({ clientInput, ctx }) => checkEmbeddingToken(ctx, clientInput));
export const generateEmbeddingKeyAction = authedAction.inputSchema(ZGenerateEmbeddingKeyInput).action(async ({ clientInput, ctx }) => generateEmbeddingKey(ctx, clientInput));
export const checkSignedUrlAction = authedAction.inputSchema(ZCheckSignedUrlInput).action(async ({ clientInput, ctx }) => checkSignedUrl(ctx, clientInput));
