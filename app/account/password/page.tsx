import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { ChangePasswordForm } from "@/components/auth/forms";
import { getRequestCtx } from "@/lib/next/request";
import { changePasswordAction } from "../../(auth)/actions";

export const metadata = { title: "Change password" };

export default async function ChangePasswordPage() {
  const ctx = await getRequestCtx();
  if (!ctx.user) redirect("/login");
  return (
    <AuthCard
      title="Change your password"
      intro={ctx.user.mustChangePassword ? "Your account was created with an initial password. Choose your own before you continue." : "Other signed-in sessions of your account end when you change it."}
    >
      <ChangePasswordForm action={changePasswordAction} />
    </AuthCard>
  );
}
