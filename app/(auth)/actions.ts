"use server";

import { redirect } from "next/navigation";
import { ZChangePasswordInput, ZLoginInput, ZSetupInput } from "@/lib/schemas";
import { changePassword, completeSetup, login, logout } from "@/lib/server/auth";
import { publicAction } from "@/lib/next/safe-action";
import { clearSessionCookie, setSessionCookie } from "@/lib/next/request";
import { GatehouseError } from "@/lib/errors";

export const setupAction = publicAction.inputSchema(ZSetupInput).action(async ({ parsedInput, ctx }) => {
  const r = await completeSetup(ctx, parsedInput);
  await setSessionCookie(r.session.token, r.session.expiresAt);
  redirect(`/projects/${r.projectId}`);
});

export const loginAction = publicAction.inputSchema(ZLoginInput).action(async ({ parsedInput, ctx }) => {
  const r = await login(ctx, parsedInput, ctx.sessionHash ?? undefined);
  await setSessionCookie(r.session.token, r.session.expiresAt);
  redirect(r.mustChangePassword ? "/account/password" : "/");
});

export const logoutAction = publicAction.action(async ({ ctx }) => {
  await logout(ctx, ctx.sessionHash ?? undefined);
  await clearSessionCookie();
  redirect("/login");
});

export const changePasswordAction = publicAction.inputSchema(ZChangePasswordInput).action(async ({ parsedInput, ctx }) => {
  if (!ctx.sessionHash) throw new GatehouseError("UNAUTHENTICATED", "Sign in to continue.");
  await changePassword(ctx, parsedInput, ctx.sessionHash);
  redirect("/");
});
