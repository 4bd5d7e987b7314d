import "server-only";
import { can } from "../../authz";
import type { PrincipalCtx } from "../context";

export function keystoreAbilities(ctx: PrincipalCtx, project: { id: string; orgId: string }) {
  const s = { orgId: project.orgId, projectId: project.id };
  return {
    write: can(ctx.principal, "project.keystore.write", s),
    exportKey: can(ctx.principal, "project.keystore.export_key", s),
    sign: can(ctx.principal, "project.signer.sign", s),
  };
}
