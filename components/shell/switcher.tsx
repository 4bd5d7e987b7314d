"use client";

import { useRouter } from "next/navigation";

type Option = { id: string; name: string };

/** Organization and project pickers: native selects, so they work with keyboard and screen readers. */
export function Switcher({ orgs, currentOrgId, projects, currentProjectId, moreProjects }: { orgs: Option[]; currentOrgId?: string; projects: Option[]; currentProjectId?: string; moreProjects: boolean }) {
  const router = useRouter();
  const cls = "w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900";
  return (
    <div className="space-y-2">
      <div>
        <label htmlFor="switch-org" className="block text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">
          Organization
        </label>
        <select id="switch-org" className={cls} value={currentOrgId ?? ""} onChange={(e) => e.target.value && router.push(`/orgs/${e.target.value}`)}>
          {!currentOrgId ? <option value="">Choose an organization</option> : null}
          {orgs.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </div>
      {currentOrgId ? (
        <div>
          <label htmlFor="switch-project" className="block text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">
            Project
          </label>
          <select
            id="switch-project"
            className={cls}
            value={currentProjectId ?? ""}
            onChange={(e) => router.push(e.target.value === "" ? `/orgs/${currentOrgId}` : `/projects/${e.target.value}`)}
          >
            <option value="">{moreProjects ? "All projects (search)…" : "All projects"}</option>
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
    </div>
  );
}
