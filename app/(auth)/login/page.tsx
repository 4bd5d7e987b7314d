import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/forms";
import { getRequestCtx } from "@/lib/next/request";
import { isSetupOpen } from "@/lib/server/auth";
import { loginAction } from "../actions";

export const metadata = { title: "Sign in" };

export default async function LoginPage() {
  const ctx = await getRequestCtx();
  if (await isSetupOpen(ctx)) redirect("/setup");
  if (ctx.user) redirect("/");
  return (
    <AuthCard title="Sign in">
      <LoginForm action={loginAction} />
    </AuthCard>
  );
}
