import { notFound } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/forms";
import { isSetupOpen } from "@/lib/server/auth";
import { getRuntime } from "@/lib/server/runtime";
import { setupAction } from "../actions";

export const metadata = { title: "Set up" };

export default async function SetupPage() {
  if (!(await isSetupOpen({ rt: getRuntime() }))) notFound();
  return (
    <AuthCard
      title="Set up Gatehouse"
      intro="Create the first Organization Owner, the first organization and its first project. You need the one-time setup code from the server log, so only whoever runs the server can claim this instance."
    >
      <SetupForm action={setupAction} />
    </AuthCard>
  );
}
