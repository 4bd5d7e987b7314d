import Link from "next/link";

/** Previous/next links that keep the current query (filters) and change only `page`. */
export function Pagination({ page, pageSize, total, basePath, query }: { page: number; pageSize: number; total: number; basePath: string; query: Record<string, string | undefined> }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
    q.set("page", String(p));
    return `${basePath}?${q.toString()}`;
  };
  return (
    <nav aria-label="Pagination" className="mt-4 flex items-center justify-between text-sm">
      <span>
        Page {Math.min(page, pages)} of {pages} · {total} in all
      </span>
      <span className="flex gap-3">
        {page > 1 ? <Link href={href(page - 1)}>Previous page</Link> : null}
        {page < pages ? <Link href={href(page + 1)}>Next page</Link> : null}
      </span>
    </nav>
  );
}
