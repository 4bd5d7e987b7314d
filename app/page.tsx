import { redirect } from "next/navigation";
import { getRequestCtx } from "@/lib/next/request";
import { requirePageCtx } from "@/lib/next/page";
import { isSetupOpen } from "@/lib/server/auth";
import { homePath } from "@/lib/server/orgs";

export default async function Home() {
  if (await isSetupOpen(await getRequestCtx())) redirect("/setup");
  redirect(await homePath(await requirePageCtx()));
}
