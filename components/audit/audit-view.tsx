import type { AuditEventRecord } from "@/lib/store/types";
import { EmptyState } from "../ui/empty-state";
import { Pagination } from "../ui/pagination";
import { Table, td, th } from "../ui/table";

export type AuditQueryValues = { actor?: string; action?: string; from?: string; to?: string };

const input = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900";

/** Filters (a GET form: the URL holds them), export links with the same filters, and the events. */
const Err = ({ id, errors }: { id: string; errors?: string[] }) =>
  errors?.length ? (
    <p id={id} className="mt-1 text-sm text-red-700 dark:text-red-400">
      {errors.join(" ")}
    </p>
  ) : null;

export function AuditView({ basePath, query, actions, items, total, page, pageSize, filterErrors }: { basePath: string; query: AuditQueryValues; actions: string[]; items: AuditEventRecord[]; total: number; page: number; pageSize: number; filterErrors?: Record<string, string[]> }) {
  const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1])).toString();
  const filtered = Object.values(query).some(Boolean);
  return (
    <>
      <form role="search" aria-label="Filter audit events" className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-5 md:items-end">
        <div>
          <label htmlFor="audit-actor" className="text-sm font-medium">Actor</label>
          <input id="audit-actor" name="actor" defaultValue={query.actor} placeholder="email contains…" className={input} />
        </div>
        <div>
          <label htmlFor="audit-action" className="text-sm font-medium">Action</label>
          <select id="audit-action" name="action" defaultValue={query.action ?? ""} className={input}>
            <option value="">Any action</option>
            {actions.map((a) => (
              <option key={a} value={a}>{a}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-from" className="text-sm font-medium">From (UTC)</label>
          <input id="audit-from" name="from" type="date" defaultValue={query.from} className={input} aria-invalid={filterErrors?.from ? true : undefined} aria-describedby={filterErrors?.from ? "audit-from-err" : undefined} />
          <Err id="audit-from-err" errors={filterErrors?.from} />
        </div>
        <div>
          <label htmlFor="audit-to" className="text-sm font-medium">To (UTC)</label>
          <input id="audit-to" name="to" type="date" defaultValue={query.to} className={input} aria-invalid={filterErrors?.to ? true : undefined} aria-describedby={filterErrors?.to ? "audit-to-err" : undefined} />
          <Err id="audit-to-err" errors={filterErrors?.to} />
        </div>
        <div className="flex gap-2">
          <button type="submit" className="rounded-md bg-brand-700 px-3 py-2 text-sm font-medium text-white">Filter</button>
          {filtered ? <a href={basePath} className="px-2 py-2 text-sm">Clear</a> : null}
        </div>
      </form>
      <p className="mb-3 flex gap-4 text-sm">
        <a href={`${basePath}/export?format=csv${qs ? "&" + qs : ""}`}>Export CSV</a>
        <a href={`${basePath}/export?format=json${qs ? "&" + qs : ""}`}>Export JSON</a>
      </p>
      {filterErrors ? (
        <p role="alert" className="mb-3 text-sm text-red-700 dark:text-red-400">
          Fix the filters above to see events{filterErrors._form ? `: ${filterErrors._form.join(" ")}` : "."}
        </p>
      ) : total === 0 ? (
        <EmptyState title={filtered ? "No event matches these filters" : "No events yet"}>
          The audit trail records every change and every refused attempt here: who, when, from which address, what and the outcome. Events cannot be edited or deleted.
        </EmptyState>
      ) : (
        <>
          <Table caption="Audit events" head={<tr><th className={th}>Time (UTC)</th><th className={th}>Actor</th><th className={th}>Action</th><th className={th}>Target</th><th className={th}>Outcome</th><th className={th}>Client IP</th></tr>}>
            {items.map((e) => (
              <tr key={e.id}>
                <td className={`${td} whitespace-nowrap font-mono text-xs`}>{e.at.replace("T", " ").slice(0, 19)}</td>
                <td className={td}>{e.actorLabel}</td>
                <td className={`${td} font-mono text-xs`}>{e.action}</td>
                <td className={`${td} font-mono text-xs`}>{e.target}</td>
                <td className={td}>
                  <span className={e.outcome === "success" ? "text-emerald-800 dark:text-emerald-300" : "font-semibold text-red-800 dark:text-red-300"}>{e.outcome}</span>
                </td>
                <td className={`${td} font-mono text-xs`}>{e.ip ?? ""}</td>
              </tr>
            ))}
          </Table>
          <Pagination page={page} pageSize={pageSize} total={total} basePath={basePath} query={query} />
        </>
      )}
    </>
  );
}
