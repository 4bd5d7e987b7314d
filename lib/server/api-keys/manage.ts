import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "../../audit";
import { now } from "../../clock";
import { GatehouseError, notFound } from "../../errors";
import { newId } from "../../ids";
import {
  ZApiKeyAccessListInput,
  ZApiKeyProjectInput,
  ZApiKeyRef,
  ZCreateApiKeyInput,
  ZCreateProjectApiKeyInput,
  ZRemoveApiKeyAccessEntryInput,
  ZUpdateApiKeyInput,
  ZUpdateProjectApiKeyInput,
  parseInput,
} from "../../schemas";
import { seal } from "../../secrets";
import type { ApiKeyRecord } from "../../store/api-keys-types";
import { addToAccessList, removeFromAccessList } from "../access-list";
import { actorOf, type PrincipalCtx } from "../context";
import { getOrgOrThrow, getProjectOrThrow } from "../guard";
import { visibleProject } from "../service-accounts/dto";

// Access Manager › API Keys: a public key (8 characters, the Digest user name) and a private key
// (a UUID, the Digest password) shown once. The private key is sealed, not hashed: HTTP Digest
// needs it to recompute each response.

export const privateKeyPurpose = (apiKeyId: string) => `api-key-private:${apiKeyId}`;
const LOWER = "abcdefghijklmnopqrstuvwxyz";

function newPublicKey(): string {
  let out = "";
  for (const b of randomBytes(16)) if (b < 234 && out.length < 8) out += LOWER[b % 26];
  return out.length === 8 ? out : newPublicKey();
}

export type ApiKeyDto = {
  id: string;
  desc: string;
  publicKey: string;
  privateKey: string;
  roles: { orgId?: string; groupId?: string; roleName: string }[];
  projects: { projectId: string; projectName: string; roles: string[] }[];
  accessList: { entry: string; comment: string | null; createdAt: string }[];
  lastUsedAt: string | null;
  createdAt: string;
  version: number;
};

async function toDto(ctx: PrincipalCtx, k: ApiKeyRecord): Promise<ApiKeyDto> {
  const store = ctx.rt.store;
  const [all, accessList] = await Promise.all([store.apiKeys.projects(k.id), store.accessLists.list(k.id)]);
  const projects = all.filter(visibleProject(ctx, k.orgId));
  const names = await Promise.all(projects.map((p) => store.projects.get(p.projectId)));
  return {
    id: k.id,
    desc: k.description,
    publicKey: k.publicKey,
    privateKey: k.maskedPrivateKey,
    roles: [...k.roles.map((roleName) => ({ orgId: k.orgId, roleName })), ...projects.flatMap((p) => p.roles.map((roleName) => ({ groupId: p.projectId, roleName })))],
    projects: projects.map((p, i) => ({ projectId: p.projectId, projectName: names[i]?.name ?? p.projectId, roles: p.roles })),
    accessList: accessList.map((e) => ({ entry: e.entry, comment: e.comment, createdAt: e.createdAt })),
    lastUsedAt: k.lastUsedAt,
    createdAt: k.createdAt,
    version: k.version,
  };
}

/** The organization's key; a key of another organization is NOT_FOUND, as one that does not exist. */
async function keyOfOrg(ctx: PrincipalCtx, orgId: string, apiKeyId: string) {
  const k = await ctx.rt.store.apiKeys.get(apiKeyId);
  if (!k || k.orgId !== orgId) throw notFound("This API key");
  return k;
}
const audit = (ctx: PrincipalCtx, k: ApiKeyRecord, action: string, detail: Record<string, unknown>, projectId: string | null = null) => ({ action, target: `api_key:${k.publicKey}`, orgId: k.orgId, projectId, detail: { desc: k.description, ...detail } });

export async function listApiKeys(ctx: PrincipalCtx, orgId: string) {
  const org = await getOrgOrThrow(ctx, orgId, "org.service_accounts.read");
  return Promise.all((await ctx.rt.store.apiKeys.listByOrg(org.id)).map((k) => toDto(ctx, k)));
}

export async function getApiKey(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZApiKeyRef, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.read");
  return toDto(ctx, await keyOfOrg(ctx, org.id, input.apiKeyId));
}

function newKey(ctx: PrincipalCtx, orgId: string, desc: string, roles: ApiKeyRecord["roles"]) {
  const id = newId();
  const privateKey = randomUUID();
  const t = now().toISOString();
  const k: ApiKeyRecord = { id, orgId, publicKey: newPublicKey(), sealedPrivateKey: seal(ctx.rt.masterKey, privateKeyPurpose(id), privateKey), maskedPrivateKey: `********-****-****-****-********${privateKey.slice(-4)}`, description: desc, roles, lastUsedAt: null, version: 1, createdAt: t, updatedAt: t };
  return { k, privateKey };
}

/** The response carries the whole private key this once. */
export async function createApiKey(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZCreateApiKeyInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.write");
  const { k, privateKey } = newKey(ctx, org.id, input.desc, input.roles);
  await ctx.rt.store.transaction(async (tx) => {
    await tx.apiKeys.insert(k);
    await recordAudit(tx, actorOf(ctx), audit(ctx, k, "api_key.created", { roles: k.roles }));
  });
  return { ...(await toDto(ctx, k)), privateKey };
}

/**
 * `POST /groups/{groupId}/apiKeys` (Atlas: "Create and Assign One Organization API Key to One
 * Project"): a key of the project's organization with no organization role, and the given roles
 * in this project — so a Project Owner may create one without reaching beyond the project.
 */
export async function createProjectApiKey(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZCreateProjectApiKeyInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.service_accounts.write");
  const { k, privateKey } = newKey(ctx, project.orgId, input.desc, []);
  await ctx.rt.store.transaction(async (tx) => {
    await tx.apiKeys.insert(k);
    await tx.apiKeys.putProject({ apiKeyId: k.id, projectId: project.id, roles: input.roles });
    await recordAudit(tx, actorOf(ctx), audit(ctx, k, "api_key.created", { roles: [], projectRoles: input.roles }, project.id));
  });
  return { ...(await toDto(ctx, k)), privateKey };
}

export async function listProjectApiKeys(ctx: PrincipalCtx, projectId: string) {
  const project = await getProjectOrThrow(ctx, projectId, "project.service_accounts.read");
  return Promise.all((await ctx.rt.store.apiKeys.listByProject(project.id)).map((k) => toDto(ctx, k)));
}

/** `PATCH /groups/{groupId}/apiKeys/{apiUserId}`: the key's roles in this project, and/or its description. */
export async function updateProjectApiKey(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZUpdateProjectApiKeyInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.service_accounts.write");
  const k = await keyOfOrg(ctx, project.orgId, input.apiKeyId);
  const current = (await ctx.rt.store.apiKeys.projects(k.id)).find((p) => p.projectId === project.id);
  // A key of the organization that has no access to this project is not this project's to edit.
  if (!current) throw notFound("This project's API key");
  const u = await ctx.rt.store.transaction(async (tx) => {
    const r = input.desc !== undefined && input.desc !== k.description ? await tx.apiKeys.update(k.id, k.version, { description: input.desc }) : k;
    if (input.roles) await tx.apiKeys.putProject({ apiKeyId: k.id, projectId: project.id, roles: input.roles });
    await recordAudit(tx, actorOf(ctx), audit(ctx, r, "api_key.project_access_set", { roles: input.roles ?? current.roles, before: { roles: current.roles, desc: k.description } }, project.id));
    return r;
  });
  return toDto(ctx, u);
}

export async function updateApiKey(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZUpdateApiKeyInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.write");
  const k = await keyOfOrg(ctx, org.id, input.apiKeyId);
  const u = await ctx.rt.store.transaction(async (tx) => {
    const r = await tx.apiKeys.update(k.id, input.version ?? k.version, { description: input.desc, roles: input.roles });
    await recordAudit(tx, actorOf(ctx), audit(ctx, r, "api_key.updated", { roles: r.roles, before: { roles: k.roles } }));
    return r;
  });
  return toDto(ctx, u);
}

export async function deleteApiKey(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZApiKeyRef.extend({ confirmName: z.string().max(300).optional() }), raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.write");
  const k = await keyOfOrg(ctx, org.id, input.apiKeyId);
  if (input.confirmName !== undefined && input.confirmName !== k.publicKey) {
    throw new GatehouseError("VALIDATION", `Type "${k.publicKey}" to confirm.`, { fieldErrors: { confirmName: [`Type "${k.publicKey}" to confirm.`] } });
  }
  await ctx.rt.store.transaction(async (tx) => {
    await tx.apiKeys.delete(k.id);
    await tx.accessLists.clear(k.id);
    await recordAudit(tx, actorOf(ctx), audit(ctx, k, "api_key.deleted", {}));
  });
}

export async function addApiKeyAccessList(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZApiKeyAccessListInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.write");
  const k = await keyOfOrg(ctx, org.id, input.apiKeyId);
  await addToAccessList(ctx, k.id, input.entries, (entries) => audit(ctx, k, "api_key.access_list_added", { entries }));
  return (await toDto(ctx, k)).accessList;
}

export async function removeApiKeyAccessEntry(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZRemoveApiKeyAccessEntryInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.write");
  const k = await keyOfOrg(ctx, org.id, input.apiKeyId);
  await removeFromAccessList(ctx, k.id, input.entry, (entry) => audit(ctx, k, "api_key.access_list_removed", { entry }));
}

/** Give an organization's API key roles in one of its projects (a Project Owner may). */
export async function assignApiKeyToProject(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZApiKeyProjectInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.service_accounts.write");
  const k = await keyOfOrg(ctx, project.orgId, input.apiKeyId);
  await ctx.rt.store.transaction(async (tx) => {
    await tx.apiKeys.putProject({ apiKeyId: k.id, projectId: project.id, roles: input.roles });
    await recordAudit(tx, actorOf(ctx), audit(ctx, k, "api_key.project_access_set", { roles: input.roles }, project.id));
  });
  return toDto(ctx, k);
}

export async function removeApiKeyFromProject(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZApiKeyProjectInput.pick({ projectId: true, apiKeyId: true }), raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.service_accounts.write");
  const k = await keyOfOrg(ctx, project.orgId, input.apiKeyId);
  await ctx.rt.store.transaction(async (tx) => {
    if (!(await tx.apiKeys.removeProject(k.id, project.id))) throw notFound("This API key's project access");
    await recordAudit(tx, actorOf(ctx), audit(ctx, k, "api_key.project_access_removed", {}, project.id));
  });
}
