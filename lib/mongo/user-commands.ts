import { GatehouseError } from "../errors";
import { jsString } from "./quote";

// The exact mongosh commands for a Database Access change, shown when no connector manages
// users on the deployment. X.509 users live in $external under their RFC 2253 subject (which
// holds commas, and may hold quotes and backslashes: every name goes through jsString);
// password users live in admin, and the shell asks for the password instead of showing it.

/** A role as mongod stores it (Database Access maps its own role choices to these). */
export type MongodRole = { role: string; db: string };

/**
 * The customData field that marks a deployment user as made by Gatehouse (the Gatehouse user's
 * id): a connector that manages users changes and drops only users that carry it (user-sync.ts).
 */
export const OWNER_FIELD = "gatehouseUserId";

export type DatabaseUserCommand =
  | { action: "create"; kind: "x509" | "password"; userName: string; roles: MongodRole[]; /** The Gatehouse user's id, kept in customData. */ owner?: string }
  | { action: "update"; kind: "x509" | "password"; userName: string; roles?: MongodRole[]; changePassword?: boolean }
  | { action: "drop"; kind: "x509" | "password"; userName: string };

const invalid = (message: string) => new GatehouseError("VALIDATION", message);

function rolesLiteral(roles: MongodRole[]): string {
  for (const r of roles) if (!r.role || !r.db) throw invalid("Every role needs a role name and a database.");
  return `[${roles.map((r) => `{ role: ${jsString(r.role)}, db: ${jsString(r.db)} }`).join(", ")}]`;
}

export function mongoshUserCommands(op: DatabaseUserCommand): string {
  if (!op.userName) throw invalid("The user name is empty.");
  const database = op.kind === "x509" ? "$external" : "admin";
  const fields: string[] = [];
  switch (op.action) {
    case "create":
      fields.push(`createUser: ${jsString(op.userName)}`);
      if (op.kind === "password") fields.push("pwd: passwordPrompt()");
      fields.push(`roles: ${rolesLiteral(op.roles)}`);
      if (op.owner) fields.push(`customData: { ${OWNER_FIELD}: ${jsString(op.owner)} }`);
      break;
    case "update":
      if (op.changePassword && op.kind === "x509") throw invalid("X.509 users have no password: the certificate is their credential.");
      if (!op.changePassword && op.roles === undefined) throw invalid("Nothing to change: give new roles or a new password.");
      fields.push(`updateUser: ${jsString(op.userName)}`);
      if (op.changePassword) fields.push("pwd: passwordPrompt()");
      if (op.roles !== undefined) fields.push(`roles: ${rolesLiteral(op.roles)}`);
      break;
    case "drop":
      fields.push(`dropUser: ${jsString(op.userName)}`);
      break;
  }
  return `db.getSiblingDB(${jsString(database)}).runCommand({ ${fields.join(", ")} })`;
}
