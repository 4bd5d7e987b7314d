import { OpenApiView } from "@/components/admin-api/openapi-view";
import { PageHeader } from "@/components/ui/page-header";
import { load, requirePageCtx } from "@/lib/next/page";
import { openApiDocument } from "@/lib/server/admin-api/openapi";
import { getOrg } from "@/lib/server/orgs";

export const metadata = { title: "Admin API" };

export default async function AdminApiPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const ctx = await requirePageCtx();
  const org = await load(() => getOrg(ctx, orgId));
  const doc = openApiDocument() as Parameters<typeof OpenApiView>[0]["doc"];
  return (
    <>
      <PageHeader
        title="Admin API"
        crumbs={[{ label: org.name, href: `/orgs/${orgId}` }, { label: "Access Manager" }, { label: "Admin API" }]}
        description={`${doc.info.description ?? ""} This organization's id is ${orgId}. The machine-readable document is at /api/openapi.json.`}
      />
      <p className="mb-6 text-sm">
        <a href="/api/openapi.json">Download the OpenAPI 3.1 document</a>
      </p>
      <OpenApiView doc={doc} />
    </>
  );
}
