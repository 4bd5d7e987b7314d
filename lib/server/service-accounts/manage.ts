import "server-only";
import { z } from "zod";
import { recordAudit } from "../../audit";
import { now } from "../../clock";
import { GatehouseError, notFound } from "../../errors";
import { newId } from "../../ids";
import { hashSecret, maskSecret, newClientId, newClientSecret } from "../../oauth/credentials";
import {
  MAX_SECRET_HOURS,
  ZAccessListInput,
  ZCreateServiceAccountInput,
  ZGenerateSecretInput,
  ZOrgSecretPolicyInput,
  ZRemoveAccessEntryInput,
  ZRevokeSecretInput,
  ZServiceAccountRef,
  ZUpdateServiceAccountInput,
  parseInput,
} from "../../schemas";
import { deriveKey } from "../../secrets";
import type { ServiceAccountRecord, ServiceAccountSecretRecord } from "../../store/service-accounts-types";
import type { OrgRecord, StoreWriter } from "../../store/types";
import { addToAccessList, removeFromAccessList } from "../access-list";
import { inBatches } from "../batches";
import { actorOf, type PrincipalCtx } from "../context";
import { getOrgOrThrow } from "../guard";
import type { Runtime } from "../runtime";
import { EXPIRY_WARNING_MS, toSecretDto, toServiceAccountDto } from "./dto";

export const MAX_ACTIVE_SECRETS = 2;
const field = (name: string, message: string, code: "VALIDATION" | "CONFLICT" = "VALIDATION") => new GatehouseError(code, message, { fieldErrors: { [name]: [message] } });

export const secretHashKey = (rt: Runtime) => deriveKey(rt.masterKey, "service-account-secret-hmac");

export async function maxSecretHours(rt: Runtime, orgId: string) {
  return (await rt.store.serviceAccounts.getOrgSettings(orgId))?.maxSecretHours ?? MAX_SECRET_HOURS;
}

async function checkSecretHours(rt: Runtime, orgId: string, hours: number, name = "secretExpiresAfterHours") {
  const max = await maxSecretHours(rt, orgId);
  if (hours > max) throw field(name, `This organization allows secrets of at most ${max} hours (${Math.floor(max / 24)} days).`);
}

export async function getServiceAccountOrThrow(ctx: PrincipalCtx, org: OrgRecord, clientId: string): Promise<ServiceAccountRecord> {
  const a = await ctx.rt.store.serviceAccounts.getByClientId(clientId);
  if (!a || a.orgId !== org.id) throw notFound("This service account");
  return a;
}

/** A new secret: the plaintext goes back once; the store keeps its keyed hash and a mask. */
async function addSecret(rt: Runtime, tx: StoreWriter, a: ServiceAccountRecord, hours: number) {
  const secret = newClientSecret();
  const at = now();
  const rec: ServiceAccountSecretRecord = {
    id: newId(),
    serviceAccountId: a.id,
    hash: hashSecret(secretHashKey(rt), secret),
    masked: maskSecret(secret),
    createdAt: at.toISOString(),
    expiresAt: new Date(at.getTime() + hours * 3_600_000).toISOString(),
    lastUsedAt: null,
    expiryWarned: false,
  };
  await tx.serviceAccounts.insertSecret(rec);
  return { ...toSecretDto(rec, at), secret };
}

export async function listServiceAccounts(ctx: PrincipalCtx, orgId: string) {
  const org = await getOrgOrThrow(ctx, orgId, "org.service_accounts.read");
  const at = now();
  return Promise.all((await ctx.rt.store.serviceAccounts.listByOrg(org.id)).map((a) => toServiceAccountDto(ctx, a, at)));
}

export async function getServiceAccount(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZServiceAccountRef, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.read");
  return toServiceAccountDto(ctx, await getServiceAccountOrThrow(ctx, org, input.clientId), now());
}

/** Create: the response is the only time the Client Secret is shown. */
export async function createServiceAccount(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZCreateServiceAccountInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.write");
  await checkSecretHours(ctx.rt, org.id, input.secretExpiresAfterHours);
  for (const p of input.projects) {
    const project = await ctx.rt.store.projects.get(p.projectId);
    if (!project || project.orgId !== org.id) throw field("projects", "A project of the list is not in this organization.");
  }
  const t = now().toISOString();
  const a: ServiceAccountRecord = { id: newId(), orgId: org.id, clientId: newClientId(), name: input.name, description: input.description, roles: input.roles, secretExpiresAfterHours: input.secretExpiresAfterHours, version: 1, createdAt: t, updatedAt: t };
  const secret = await ctx.rt.store.transaction(async (tx) => {
    await tx.serviceAccounts.insert(a);
    for (const p of input.projects) await tx.serviceAccounts.putProject({ serviceAccountId: a.id, projectId: p.projectId, roles: p.roles });
    const s = await addSecret(ctx.rt, tx, a, input.secretExpiresAfterHours);
    await recordAudit(tx, actorOf(ctx), { action: "service_account.created", target: `service_account:${a.clientId}`, orgId: org.id, projectId: null, detail: { name: a.name, roles: a.roles, projects: input.projects, secretExpiresAt: s.expiresAt } });
    return s;
  });
  const dto = await toServiceAccountDto(ctx, a, now());
  return { ...dto, secrets: [secret] };
}

export async function updateServiceAccount(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZUpdateServiceAccountInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.write");
  const a = await getServiceAccountOrThrow(ctx, org, input.clientId);
  const updated = await ctx.rt.store.transaction(async (tx) => {
    const u = await tx.serviceAccounts.update(a.id, input.version ?? a.version, { name: input.name, description: input.description, roles: input.roles });
    await recordAudit(tx, actorOf(ctx), { action: "service_account.updated", target: `service_account:${a.clientId}`, orgId: org.id, projectId: null, detail: { name: u.name, roles: u.roles, before: { name: a.name, roles: a.roles } } });
    return u;
  });
  return toServiceAccountDto(ctx, updated, now());
}

/** Delete: its secrets and tokens go with it, so every token stops working at once. */
export async function deleteServiceAccount(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZServiceAccountRef.extend({ confirmName: z.string().max(100).optional() }), raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.write");
  const a = await getServiceAccountOrThrow(ctx, org, input.clientId);
  // The console asks for the name typed out; the Admin API (like Atlas's) does not.
  if (input.confirmName !== undefined && input.confirmName !== a.name) throw field("confirmName", `Type "${a.name}" to confirm.`);
  await ctx.rt.store.transaction(async (tx) => {
    await tx.serviceAccounts.delete(a.id);
    await tx.accessLists.clear(a.id);
    await recordAudit(tx, actorOf(ctx), { action: "service_account.deleted", target: `service_account:${a.clientId}`, orgId: org.id, projectId: null, detail: { name: a.name } });
  });
}

/** "Generate New Secret": rotation without recreating the account (at most two active). */
export async function generateSecret(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZGenerateSecretInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.write");
  const a = await getServiceAccountOrThrow(ctx, org, input.clientId);
  const hours = input.secretExpiresAfterHours ?? Math.min(a.secretExpiresAfterHours, await maxSecretHours(ctx.rt, org.id));
  await checkSecretHours(ctx.rt, org.id, hours);
  return ctx.rt.store.transaction(async (tx) => {
    const active = (await tx.serviceAccounts.secrets(a.id)).filter((s) => s.expiresAt > now().toISOString());
    if (active.length >= MAX_ACTIVE_SECRETS) {
      throw field("secrets", `"${a.name}" already has ${MAX_ACTIVE_SECRETS} active secrets. Revoke the one your clients no longer use, then generate a new one.`, "CONFLICT");
    }
    const s = await addSecret(ctx.rt, tx, a, hours);
    await recordAudit(tx, actorOf(ctx), { action: "service_account.secret_created", target: `service_account:${a.clientId}`, orgId: org.id, projectId: null, detail: { secretId: s.id, expiresAt: s.expiresAt } });
    return s;
  });
}

/** Revoke: the secret and every token minted with it stop working at once. */
export async function revokeSecret(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZRevokeSecretInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.write");
  const a = await getServiceAccountOrThrow(ctx, org, input.clientId);
  const s = await ctx.rt.store.serviceAccounts.getSecret(input.secretId);
  if (!s || s.serviceAccountId !== a.id) throw notFound("This secret");
  await ctx.rt.store.transaction(async (tx) => {
    await tx.serviceAccounts.deleteSecret(s.id);
    await recordAudit(tx, actorOf(ctx), { action: "service_account.secret_revoked", target: `service_account:${a.clientId}`, orgId: org.id, projectId: null, detail: { secretId: s.id, masked: s.masked } });
  });
}

export async function addAccessListEntries(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZAccessListInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.write");
  const a = await getServiceAccountOrThrow(ctx, org, input.clientId);
  await addToAccessList(ctx, a.id, input.entries, (entries) => ({ action: "service_account.access_list_added", target: `service_account:${a.clientId}`, orgId: org.id, projectId: null, detail: { entries } }));
  return (await toServiceAccountDto(ctx, a, now())).accessList;
}

export async function removeAccessListEntry(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZRemoveAccessEntryInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.write");
  const a = await getServiceAccountOrThrow(ctx, org, input.clientId);
  await removeFromAccessList(ctx, a.id, input.entry, (entry) => ({ action: "service_account.access_list_removed", target: `service_account:${a.clientId}`, orgId: org.id, projectId: null, detail: { entry } }));
}

export async function getSecretPolicy(ctx: PrincipalCtx, orgId: string) {
  const org = await getOrgOrThrow(ctx, orgId, "org.service_accounts.read");
  const r = await ctx.rt.store.serviceAccounts.getOrgSettings(org.id);
  return { maxSecretHours: r?.maxSecretHours ?? MAX_SECRET_HOURS, version: r?.version ?? null };
}

/** The organization may lower the longest lifetime of new secrets (existing ones keep theirs). */
export async function setOrgSecretPolicy(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZOrgSecretPolicyInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.service_accounts.write");
  const current = await ctx.rt.store.serviceAccounts.getOrgSettings(org.id);
  return ctx.rt.store.transaction(async (tx) => {
    const r = await tx.serviceAccounts.putOrgSettings(org.id, input.maxSecretHours, current ? (input.version ?? current.version) : null);
    await recordAudit(tx, actorOf(ctx), { action: "org.secret_policy_updated", target: `org:${org.id}`, orgId: org.id, projectId: null, detail: { maxSecretHours: input.maxSecretHours } });
    return r;
  });
}

/** Secrets that expire within 7 days: one audit event each (the list and a banner flag them too). */
export async function auditExpiringSecrets(rt: Runtime): Promise<number> {
  const at = now();
  const due = await rt.store.serviceAccounts.secretsExpiringUnwarned(new Date(at.getTime() + EXPIRY_WARNING_MS).toISOString(), at.toISOString());
  await inBatches(due, async (batch) => {
    const accounts = await Promise.all(batch.map((s) => rt.store.serviceAccounts.get(s.serviceAccountId)));
    await rt.store.transaction(async (tx) => {
      for (const [i, s] of batch.entries()) {
        const a = accounts[i];
        await tx.serviceAccounts.markSecretWarned(s.id);
        if (a) await recordAudit(tx, { id: null, label: "system", ip: null }, { action: "service_account.secret_expiring", target: `service_account:${a.clientId}`, orgId: a.orgId, projectId: null, detail: { secretId: s.id, masked: s.masked, expiresAt: s.expiresAt, name: a.name } });
      }
    });
  });
  return due.length;
}
