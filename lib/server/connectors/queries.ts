import "server-only";
import { analyzeConnectionString } from "../../mongo/connection-string";
import { connectSnippets, type ConnectSnippets } from "../../mongo/snippets";
import type { PrincipalCtx } from "../context";
import { getProjectOrThrow } from "../guard";
import { toCheckDto, toConnectorDto } from "./dto";
import { getConnectorOrThrow } from "./manage";

const fileName = (alias: string) => alias.replace(/[^A-Za-z0-9._-]/g, "_");

export async function listConnectors(ctx: PrincipalCtx, projectId: string) {
  const project = await getProjectOrThrow(ctx, projectId, "project.connectors.read");
  const rows = await ctx.rt.store.connectors.list(project.id);
  return Promise.all(rows.map((c) => toConnectorDto(ctx.rt.store, c)));
}

/** The connector page: status, history and — for a certificate — the "Connect" snippets. */
export async function getConnectorDetails(ctx: PrincipalCtx, projectId: string, connectorId: string) {
  const project = await getProjectOrThrow(ctx, projectId, "project.connectors.read");
  const c = await getConnectorOrThrow(ctx, project, connectorId);
  const [dto, history] = await Promise.all([toConnectorDto(ctx.rt.store, c), ctx.rt.store.connectors.history(c.id, 50)]);
  let snippets: (ConnectSnippets & { certificateFileName: string; userName: string }) | null = null;
  const entry = c.authScheme === "x509" && c.certificateEntryId ? await ctx.rt.store.keystore.get(c.certificateEntryId) : null;
  if (entry) {
    const certificateFileName = `${fileName(entry.alias)}-combined.pem`;
    snippets = {
      certificateFileName,
      userName: entry.subject,
      ...connectSnippets({ connectionString: c.connectionString, database: c.databaseName, certificateFileName, userName: entry.subject, ...(dto.caAlias ? { caFileName: `${fileName(dto.caAlias)}.pem` } : {}) }),
    };
  }
  // What the driver will not like about the stored string (unknown or ignored options…), shown beside it.
  const warnings = analyzeConnectionString(c.connectionString, c.authScheme).problems.map((p) => p.message);
  return { connector: dto, history: history.map(toCheckDto), snippets, warnings };
}

/** What the connector form offers: Key Store entries with a private key, and CA entries. */
export async function connectorFormChoices(ctx: PrincipalCtx, projectId: string) {
  const project = await getProjectOrThrow(ctx, projectId, "project.connectors.read");
  const rows = await ctx.rt.store.keystore.rows(project.id, { sort: "alias" });
  return {
    certificates: rows.filter((r) => r.hasPrivateKey).map((r) => ({ alias: r.alias, subject: r.subject, usage: r.usage })),
    cas: rows.filter((r) => r.isCA || r.selfSigned).map((r) => ({ alias: r.alias, subject: r.subject })),
  };
}
