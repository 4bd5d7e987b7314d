import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/server/admin-api/openapi";

// The OpenAPI document against the route files themselves: every method every Admin API route
// exports is documented, and nothing documented is missing a handler.

const ROOT = join(__dirname, "..", "..", "app");

function routes(dir: string): { path: string; methods: string[] }[] {
  const out: { path: string; methods: string[] }[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...routes(full));
    else if (name === "route.ts") {
      const src = readFileSync(full, "utf8");
      const methods = [...src.matchAll(/export const (GET|POST|PATCH|DELETE|PUT)\b/g)].map((m) => m[1]!.toLowerCase());
      const path = "/" + relative(ROOT, dir).split(/[\\/]/).map((seg) => seg.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
      out.push({ path, methods });
    }
  }
  return out;
}

describe("OpenAPI 3.1 document", () => {
  const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, unknown>> };

  it("is OpenAPI 3.1 and documents every Admin API route the app serves, method by method", () => {
    expect(doc.openapi).toBe("3.1.0");
    const served = [...routes(join(ROOT, "api", "atlas")), ...routes(join(ROOT, "api", "v1"))];
    const documented = (path: string, method: string) => {
      // The `:invite` custom method lives in the {clientId} segment's handler.
      const candidates = [path, path.replace(/\{clientId\}$/, "{clientId}:invite"), path.replace(/\{entry\}$/, "{ipAddress}")];
      return candidates.some((p) => doc.paths[p]?.[method]);
    };
    const missing = served.flatMap((r) => r.methods.filter((m) => !documented(r.path, m)).map((m) => `${m.toUpperCase()} ${r.path}`));
    expect(missing).toEqual([]);
  });

  it("describes bodies with the handlers' own rules (from the zod schemas)", () => {
    const post = doc.paths["/api/atlas/v2/orgs/{orgId}/serviceAccounts"]!.post as { requestBody: { content: Record<string, { schema: { properties: Record<string, { maximum?: number; minimum?: number }>; required: string[] } }> } };
    const schema = post.requestBody.content["application/vnd.atlas.2024-08-05+json"]!.schema;
    expect(schema.properties.secretExpiresAfterHours).toMatchObject({ minimum: 8, maximum: 8760 });
    expect(schema.required).toEqual(expect.arrayContaining(["name", "description", "roles", "secretExpiresAfterHours"]));
  });
});
