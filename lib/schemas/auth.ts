import { z } from "zod";
import { ZEmail, ZName, ZNewPassword } from "./common";

export const ZSetupInput = z
  .object({
    setupCode: z.string().trim().min(1, "Enter the setup code printed in the server log at first start."),
    name: z.string().trim().min(1, "Enter your name.").max(128, "A name has at most 128 characters."),
    email: ZEmail,
    password: ZNewPassword,
    confirmPassword: z.string(),
    orgName: ZName("organization"),
    projectName: ZName("project"),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The passwords do not match." });
export type TSetupInput = z.input<typeof ZSetupInput>;

export const ZLoginInput = z.object({
  email: z.string().trim().min(1, "Enter your email address.").max(254),
  password: z.string().min(1, "Enter your password.").max(1024),
});
export type TLoginInput = z.input<typeof ZLoginInput>;

export const ZChangePasswordInput = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password.").max(1024),
    newPassword: ZNewPassword,
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "The passwords do not match." })
  .refine((v) => v.newPassword !== v.currentPassword, { path: ["newPassword"], message: "Choose a password different from the current one." });
export type TChangePasswordInput = z.input<typeof ZChangePasswordInput>;
