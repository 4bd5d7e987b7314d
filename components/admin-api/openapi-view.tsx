type Operation = { summary?: string; tags?: string[]; requestBody?: { content: Record<string, { schema: unknown }> }; responses?: Record<string, { description?: string }> };
type Doc = { info: { title: string; version: string; description?: string }; paths: Record<string, Record<string, Operation>> };

const METHOD_CLASS: Record<string, string> = {
  get: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  post: "bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100",
  patch: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  delete: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
};

/** The OpenAPI document as a readable reference: operations by tag, with their body schemas. */
export function OpenApiView({ doc }: { doc: Doc }) {
  const byTag = new Map<string, { method: string; path: string; op: Operation }[]>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = op.tags?.[0] ?? "Other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, op });
    }
  }
  return (
    <div className="max-w-5xl space-y-8">
      {[...byTag.entries()].map(([tag, ops]) => (
        <section key={tag} aria-labelledby={`tag-${tag}`}>
          <h2 id={`tag-${tag}`} className="mb-2 text-lg font-semibold">{tag}</h2>
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
            {ops.map(({ method, path, op }) => (
              <li key={`${method} ${path}`} className="px-4 py-3">
                <p className="flex flex-wrap items-center gap-2">
                  <span className={`rounded px-2 py-0.5 font-mono text-xs font-semibold uppercase ${METHOD_CLASS[method] ?? ""}`}>{method}</span>
                  <code className="break-all text-sm">{path}</code>
                </p>
                {op.summary ? <p className="mt-1 text-sm">{op.summary}</p> : null}
                {op.requestBody ? (
                  <details className="mt-2 text-sm">
                    <summary className="cursor-pointer">Request body ({Object.keys(op.requestBody.content).join(", ")})</summary>
                    <pre tabIndex={0} aria-label={`Request body of ${method.toUpperCase()} ${path}`} className="mt-1 overflow-x-auto rounded bg-slate-100 p-2 text-xs dark:bg-slate-900">
                      {JSON.stringify(Object.values(op.requestBody.content)[0]?.schema, null, 2)}
                    </pre>
                  </details>
                ) : null}
                {op.responses ? <p className="mt-1 text-xs text-slate-600 dark:text-slate-300">Responses: {Object.entries(op.responses).map(([code, r]) => `${code} ${r.description ?? ""}`).join(" · ")}</p> : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
