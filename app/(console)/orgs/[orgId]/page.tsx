import Link from "next/link";
import { CreateProjectDialog } from "@/components/tenancy/forms";
import { SearchForm } from "@/components/forms/search-form";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Table, td, th } from "@/components/ui/table";
import { load, requirePageCtx } from "@/lib/next/page";
import { orgAbilities } from "@/lib/server/abilities";
import { listProjects } from "@/lib/server/projects";
import { createProjectAction } from "../../actions";

export const metadata = { title: "Projects" };

export default async function OrgProjectsPage({ params, searchParams }: { params: Promise<{ orgId: string }>; searchParams: Promise<{ q?: string; page?: string }> }) {
  const [{ orgId }, sp] = await Promise.all([params, searchParams]);
  const ctx = await requirePageCtx();
  const list = await load(() => listProjects(ctx, orgId, { search: sp.q, page: Number(sp.page) || 1 }));
  const can = orgAbilities(ctx, orgId);
  return (
    <>
      <PageHeader
        title="Projects"
        crumbs={[{ label: list.org.name, href: `/orgs/${orgId}` }, { label: "Projects" }]}
        description="A project holds one deployment's access: its certificates, database users, connectors and who may manage them."
        actions={can.createProject ? <CreateProjectDialog action={createProjectAction} orgId={orgId} /> : null}
      />
      <SearchForm label="Search projects" defaultValue={sp.q} />
      {list.total === 0 ? (
        <EmptyState title={sp.q ? "No project matches" : "No projects yet"}>
          {sp.q ? "Try another search." : can.createProject ? "Create a project to start managing a deployment's access." : "You have no access to a project of this organization yet. Ask a Project Owner to add you."}
        </EmptyState>
      ) : (
        <>
          <Table caption="Projects" head={<tr><th className={th}>Name</th><th className={th}>Created</th><th className={th}>Id</th></tr>}>
            {list.items.map((p) => (
              <tr key={p.id}>
                <td className={td}>
                  <Link href={`/projects/${p.id}`}>{p.name}</Link>
                </td>
                <td className={td}>{p.createdAt.slice(0, 10)}</td>
                <td className={`${td} font-mono text-xs`}>{p.id}</td>
              </tr>
            ))}
          </Table>
          <Pagination page={list.page} pageSize={list.pageSize} total={list.total} basePath={`/orgs/${orgId}`} query={{ q: sp.q }} />
        </>
      )}
    </>
  );
}
