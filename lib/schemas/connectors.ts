import { z } from "zod";
import { ZId, ZName, ZVersion } from "./common";
import { ZDbName } from "./database-access";

export const AUTH_SCHEMES = ["x509", "password", "none"] as const;

const ZFlag = z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean());
const ZOptionalText = (max: number, message: string) =>
  z
    .string()
    .max(max, message)
    .optional()
    .transform((v) => (v ? v : undefined));

const ZConnectorFields = z.object({
  projectId: ZId,
  name: ZName("connector"),
  connectionString: z.string().trim().min(1, "Enter the connection string, e.g. mongodb://db.example.com:27017/?tls=true&authMechanism=MONGODB-X509&authSource=%24external").max(4096, "A connection string has at most 4,096 characters."),
  databaseName: ZDbName,
  authScheme: z.enum(AUTH_SCHEMES, "Choose Client Certificate Authentication, Password or None."),
  /** X.509: the Key Store entry (with a private key) whose certificate signs in. */
  certificateAlias: ZOptionalText(64, "An alias has at most 64 characters."),
  /** Write-only: the entry's password. Blank on edit keeps the stored one. */
  certificatePassword: ZOptionalText(1024, "The password is too long."),
  username: ZOptionalText(64, "A user name has at most 64 characters."),
  password: ZOptionalText(256, "The password is too long."),
  /** A CA entry of the Key Store that signed the server's certificate (Node's public roots otherwise). */
  caAlias: ZOptionalText(64, "An alias has at most 64 characters."),
  enabled: ZFlag.default(false),
  managesUsers: ZFlag.default(false),
});

export const ZCreateConnectorInput = ZConnectorFields;
export type TCreateConnectorInput = z.input<typeof ZCreateConnectorInput>;

export const ZUpdateConnectorInput = ZConnectorFields.extend({ connectorId: ZId, version: ZVersion });
export type TUpdateConnectorInput = z.input<typeof ZUpdateConnectorInput>;

export const ZConnectorRefInput = z.object({ projectId: ZId, connectorId: ZId });
export const ZDeleteConnectorInput = ZConnectorRefInput.extend({ version: ZVersion, confirmName: z.string().max(200) });
export const ZSetConnectorEnabledInput = ZConnectorRefInput.extend({ enabled: ZFlag });
