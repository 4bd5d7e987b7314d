import type { ReactNode } from "react";
import { Shell } from "@/components/shell/shell";
import { load, requirePageCtx } from "@/lib/next/page";
import { getProject } from "@/lib/server/projects";
import { getShellData } from "@/lib/server/shell";

export default async function ProjectLayout({ children, params }: { children: ReactNode; params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const ctx = await requirePageCtx();
  const { project } = await load(() => getProject(ctx, projectId));
  const shell = await load(() => getShellData(ctx, { orgId: project.orgId, projectId }));
  return (
    <Shell {...shell} currentOrgId={project.orgId} currentProjectId={projectId}>
      {children}
    </Shell>
  );
}
