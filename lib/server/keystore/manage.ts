import "server-only";
import { recordAudit } from "../../audit";
import { GatehouseError } from "../../errors";
import { encryptPkcs8 } from "../../pki/pkcs8";
import { ZChangeEntryPasswordInput, ZDeleteEntryInput, ZRenameEntryInput, parseInput } from "../../schemas";
import { actorOf, type PrincipalCtx } from "../context";
import { getProjectOrThrow } from "../guard";
import { getEntryInProject, unlockEntry } from "./export";
import { relinkIssuedBy } from "./trust";

export async function changeEntryPassword(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZChangeEntryPasswordInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.keystore.write");
  const entry = await getEntryInProject(ctx, project, input.entryId);
  const key = await unlockEntry(ctx, entry, input.password);
  const encryptedKey = await encryptPkcs8(key, input.newPassword);
  key.fill(0);
  await ctx.rt.store.transaction(async (tx) => {
    await tx.keystore.update(entry.id, input.version, { encryptedKey });
    await recordAudit(tx, actorOf(ctx), { action: "keystore.password_changed", target: `keystore:${entry.id}`, orgId: project.orgId, projectId: project.id, detail: { alias: entry.alias } });
  });
}

export async function renameEntry(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZRenameEntryInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.keystore.write");
  const entry = await getEntryInProject(ctx, project, input.entryId);
  await ctx.rt.store.transaction(async (tx) => {
    await tx.keystore.update(entry.id, input.version, { alias: input.alias });
    await recordAudit(tx, actorOf(ctx), { action: "keystore.entry_renamed", target: `keystore:${entry.id}`, orgId: project.orgId, projectId: project.id, detail: { from: entry.alias, to: input.alias } });
  });
}

/** Delete (typed confirmation). Certificates it issued stay, with their chain now incomplete. */
export async function deleteEntry(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZDeleteEntryInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.keystore.write");
  const entry = await getEntryInProject(ctx, project, input.entryId);
  if (input.confirmName !== entry.alias) {
    throw new GatehouseError("VALIDATION", "Type the alias exactly to confirm.", { fieldErrors: { confirmName: [`Type "${entry.alias}" to confirm.`] } });
  }
  const users = await ctx.rt.store.connectors.usingEntry(entry.id);
  if (users.length) {
    const m = `"${entry.alias}" is used by the connector${users.length > 1 ? "s" : ""} ${users.map((c) => `"${c.name}"`).join(", ")}. Edit or delete ${users.length > 1 ? "them" : "it"} first.`;
    throw new GatehouseError("CONFLICT", m, { fieldErrors: { confirmName: [m] } });
  }
  await ctx.rt.store.transaction(async (tx) => {
    const issued = await tx.keystore.countIssuedBy(entry.id);
    await tx.keystore.delete(entry.id, input.version);
    if (entry.isCA) await relinkIssuedBy(tx, project.id, entry.subject);
    await recordAudit(tx, actorOf(ctx), { action: "keystore.entry_deleted", target: `keystore:${entry.id}`, orgId: project.orgId, projectId: project.id, detail: { alias: entry.alias, subject: entry.subject, issuedCertificates: issued } });
  });
}
