import "server-only";
import { recordAudit } from "../../audit";
import { nowIso } from "../../clock";
import { GatehouseError, notFound, validationError } from "../../errors";
import { newId } from "../../ids";
import { analyzeConnectionString, redactConnectionString } from "../../mongo/connection-string";
import { ZCreateConnectorInput, ZDeleteConnectorInput, ZSetConnectorEnabledInput, ZUpdateConnectorInput, parseInput } from "../../schemas";
import { seal } from "../../secrets";
import type { ConnectorRecord } from "../../store/connectors-types";
import type { ProjectRecord } from "../../store/types";
import { actorOf, type PrincipalCtx } from "../context";
import { getProjectOrThrow } from "../guard";
import { unlockEntry } from "../keystore/export";
import { runConnectorCheck } from "./check";
import { toConnectorDto } from "./dto";
import { secretPurpose } from "./material";
import { resyncAllUsers } from "./sync";

// One field's error, shown next to it.
const field = validationError;

type Fields = ReturnType<typeof ZCreateConnectorInput.parse>;

export async function getConnectorOrThrow(ctx: PrincipalCtx, project: ProjectRecord, connectorId: string): Promise<ConnectorRecord> {
  const c = await ctx.rt.store.connectors.get(connectorId);
  if (!c || c.projectId !== project.id) throw notFound("This connector");
  return c;
}

/**
 * Everything about the form that can be checked without the network, in the order a user fixes
 * it. Returns the columns to store; `keep` is the stored connector on edit (a blank password
 * keeps its sealed secret while the alias or user stays the same).
 */
async function resolveFields(ctx: PrincipalCtx, project: ProjectRecord, input: Fields, id: string, keep?: ConnectorRecord) {
  const analysis = analyzeConnectionString(input.connectionString, input.authScheme);
  if (!analysis.ok) {
    const errors = analysis.problems.filter((p) => p.severity === "error").map((p) => p.message);
    const hint = analysis.suggested ? ` Suggested: ${redactConnectionString(analysis.suggested)}` : "";
    throw new GatehouseError("VALIDATION", `${errors[0]}${hint}`, { fieldErrors: { connectionString: [...errors, ...(hint ? [hint.trim()] : [])] } });
  }
  const warnings = analysis.problems.filter((p) => p.severity === "warning").map((p) => p.message);
  let certificateEntryId: string | null = null;
  let username: string | null = null;
  let secret: string | undefined;
  let sealedSecret: string | null = null;

  if (input.authScheme === "x509") {
    if (!input.certificateAlias) throw field("certificateAlias", "Pick the certificate alias whose certificate signs in (a Client certificate with its private key).");
    const entry = await ctx.rt.store.keystore.getByAlias(project.id, input.certificateAlias);
    if (!entry) throw field("certificateAlias", `There is no entry "${input.certificateAlias}" in this project's Key Store.`);
    if (!entry.encryptedKey) throw field("certificateAlias", `"${entry.alias}" has no private key in the Key Store (it holds a certificate only), so it cannot sign in. Import its key or pick another alias.`);
    if (entry.usage !== "Client") warnings.push(`"${entry.alias}" is a ${entry.usage} certificate; mongod expects a Client certificate (extendedKeyUsage clientAuth).`);
    if (entry.notAfter <= nowIso()) throw field("certificateAlias", `"${entry.alias}" expired on ${entry.notAfter.slice(0, 10)}; MongoDB refuses expired certificates.`);
    certificateEntryId = entry.id;
    if (input.certificatePassword) secret = input.certificatePassword;
    else if (keep?.authScheme === "x509" && keep.certificateEntryId === entry.id && keep.sealedSecret) sealedSecret = keep.sealedSecret;
    else throw field("certificatePassword", `Enter the password of "${entry.alias}" (the one set when it was created or imported).`);
    // Caught here, not at the first connection: the key must open with this password.
    if (secret !== undefined) (await unlockEntry(ctx, entry, secret, "certificatePassword")).fill(0);
  } else if (input.authScheme === "password") {
    if (!input.username) throw field("username", "Enter the database user name (a password user in admin).");
    if (!/^[A-Za-z0-9._@+-]{1,64}$/.test(input.username)) throw field("username", "A password user name has 1–64 letters, digits or . _ @ + -");
    username = input.username;
    if (input.password) secret = input.password;
    else if (keep?.authScheme === "password" && keep.username === username && keep.sealedSecret) sealedSecret = keep.sealedSecret;
    else throw field("password", "Enter the database user's password.");
  }
  if (secret !== undefined) sealedSecret = seal(ctx.rt.masterKey, secretPurpose(id), secret);

  let caEntryId: string | null = null;
  if (input.caAlias) {
    const ca = await ctx.rt.store.keystore.getByAlias(project.id, input.caAlias);
    if (!ca) throw field("caAlias", `There is no entry "${input.caAlias}" in this project's Key Store.`);
    caEntryId = ca.id;
  }
  return {
    cols: { name: input.name, connectionString: analysis.normalized!, databaseName: input.databaseName, authScheme: input.authScheme, certificateEntryId, username, sealedSecret, caEntryId, enabled: input.enabled, managesUsers: input.managesUsers },
    warnings,
  };
}

const auditDetail = (c: Pick<ConnectorRecord, "name" | "connectionString" | "databaseName" | "authScheme" | "enabled" | "managesUsers">, alias?: string | null) => ({
  name: c.name,
  connectionString: redactConnectionString(c.connectionString),
  databaseName: c.databaseName,
  authScheme: c.authScheme,
  ...(alias ? { certificateAlias: alias } : {}),
  enabled: c.enabled,
  managesUsers: c.managesUsers,
});

async function afterSave(ctx: PrincipalCtx, c: ConnectorRecord, before?: ConnectorRecord) {
  if (c.enabled) await runConnectorCheck(ctx.rt, c, before?.enabled ? "save" : "enable");
  const reaches = (x?: ConnectorRecord) => (x ? [x.connectionString, x.sealedSecret, x.certificateEntryId, x.caEntryId, x.username, x.enabled].join("\u0000") : "");
  // Users are re-applied when this connector starts (or stops) managing them, or reaches the
  // deployment differently now.
  if (c.managesUsers !== (before?.managesUsers ?? false) || (c.managesUsers && reaches(c) !== reaches(before))) await resyncAllUsers(ctx.rt, c.projectId);
  const fresh = await ctx.rt.store.connectors.get(c.id);
  return toConnectorDto(ctx.rt.store, fresh ?? c);
}

export async function createConnector(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZCreateConnectorInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.connectors.write");
  const id = newId();
  const { cols, warnings } = await resolveFields(ctx, project, input, id);
  const t = nowIso();
  const c: ConnectorRecord = { id, projectId: project.id, ...cols, status: "disabled", lastCheck: null, checkedAt: null, version: 1, createdAt: t, updatedAt: t };
  await ctx.rt.store.transaction(async (tx) => {
    await tx.connectors.insert(c);
    await recordAudit(tx, actorOf(ctx), { action: "connector.created", target: `connector:${id}`, orgId: project.orgId, projectId: project.id, detail: auditDetail(c, input.certificateAlias) });
  });
  return { connector: await afterSave(ctx, c), warnings };
}

export async function updateConnector(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZUpdateConnectorInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.connectors.write");
  const before = await getConnectorOrThrow(ctx, project, input.connectorId);
  const { cols, warnings } = await resolveFields(ctx, project, input, before.id, before);
  const c = await ctx.rt.store.transaction(async (tx) => {
    const updated = await tx.connectors.update(before.id, input.version, cols);
    if (!updated.enabled && before.enabled) await tx.connectors.recordCheck(before.id, "disabled", null);
    await recordAudit(tx, actorOf(ctx), {
      action: "connector.updated",
      target: `connector:${before.id}`,
      orgId: project.orgId,
      projectId: project.id,
      detail: { ...auditDetail(updated, input.certificateAlias), secretChanged: cols.sealedSecret !== before.sealedSecret },
    });
    return updated;
  });
  return { connector: await afterSave(ctx, c, before), warnings };
}

export async function deleteConnector(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZDeleteConnectorInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.connectors.write");
  const c = await getConnectorOrThrow(ctx, project, input.connectorId);
  if (input.confirmName !== c.name) throw field("confirmName", `Type "${c.name}" to confirm.`);
  await ctx.rt.store.transaction(async (tx) => {
    await tx.connectors.delete(c.id, input.version);
    if (c.managesUsers) await tx.databaseAccess.setSyncAll(project.id, "unmanaged");
    await recordAudit(tx, actorOf(ctx), { action: "connector.deleted", target: `connector:${c.id}`, orgId: project.orgId, projectId: project.id, detail: { name: c.name } });
  });
}

/** "Enable" connects at once (the result is the answer); "Disable" stops the health checks. */
export async function setConnectorEnabled(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZSetConnectorEnabledInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.connectors.write");
  const c = await getConnectorOrThrow(ctx, project, input.connectorId);
  const updated = await ctx.rt.store.transaction(async (tx) => {
    const u = c.enabled === input.enabled ? c : await tx.connectors.update(c.id, c.version, { enabled: input.enabled });
    if (!input.enabled) await tx.connectors.recordCheck(c.id, "disabled", null);
    await recordAudit(tx, actorOf(ctx), { action: input.enabled ? "connector.enabled" : "connector.disabled", target: `connector:${c.id}`, orgId: project.orgId, projectId: project.id, detail: { name: c.name } });
    return u;
  });
  if (input.enabled) await runConnectorCheck(ctx.rt, updated, "enable");
  if (updated.managesUsers && input.enabled) await resyncAllUsers(ctx.rt, project.id);
  return toConnectorDto(ctx.rt.store, (await ctx.rt.store.connectors.get(c.id)) ?? updated);
}

/** "Check now": one check on demand, enabled or not. */
export async function checkConnectorNow(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZSetConnectorEnabledInput.omit({ enabled: true }), raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.connectors.write");
  const c = await getConnectorOrThrow(ctx, project, input.connectorId);
  const result = await runConnectorCheck(ctx.rt, c, "manual");
  await ctx.rt.store.transaction((tx) =>
    recordAudit(tx, actorOf(ctx), { action: "connector.checked", target: `connector:${c.id}`, orgId: project.orgId, projectId: project.id, outcome: result.ok ? "success" : "failure", detail: { name: c.name, ...(result.ok ? { user: result.user } : { stage: result.stage, code: result.code }) } }),
  );
  return toConnectorDto(ctx.rt.store, (await ctx.rt.store.connectors.get(c.id)) ?? c);
}
