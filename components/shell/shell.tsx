import Link from "next/link";
import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { logoutAction } from "@/app/(auth)/actions";
import { ThemeToggle } from "../ui/theme-toggle";
import { NavLink } from "./nav-link";
import { SignOutButton } from "./sign-out";
import { Switcher } from "./switcher";

export type NavSection = { title?: string; links: { href: string; label: string; exact?: boolean }[] };
export type ShellProps = {
  user: { name: string; email: string };
  orgs: { id: string; name: string }[];
  currentOrgId?: string;
  projects: { id: string; name: string }[];
  moreProjects?: boolean;
  currentProjectId?: string;
  nav: NavSection[];
  children: ReactNode;
};

/**
 * The console frame. Sections appear only when the feature exists and the user's role may see
 * it — no dead links; the same permission table that guards the use cases decides.
 */
export async function Shell({ user, orgs, currentOrgId, projects, moreProjects = false, currentProjectId, nav, children }: ShellProps) {
  const theme = (await cookies()).get("gh_theme")?.value === "dark" ? "dark" : "light";
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="border-b border-slate-200 bg-slate-50 md:w-64 md:shrink-0 md:border-b-0 md:border-r dark:border-slate-800 dark:bg-slate-900">
        <div className="flex items-center justify-between px-4 py-3">
          <Link href="/orgs" className="text-lg font-semibold text-slate-900 no-underline hover:no-underline dark:text-white">
            Gatehouse
          </Link>
          <ThemeToggle initial={theme} />
        </div>
        <div className="px-4 pb-3">
          <Switcher orgs={orgs} currentOrgId={currentOrgId} projects={projects} currentProjectId={currentProjectId} moreProjects={moreProjects} />
        </div>
        <nav aria-label="Sections" className="space-y-4 px-2 pb-4">
          {nav.map((s, i) => (
            <div key={s.title ?? i}>
              {s.title ? <h2 className="px-3 pb-1 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">{s.title}</h2> : null}
              <ul className="space-y-0.5">
                {s.links.map((l) => (
                  <li key={l.href}>
                    <NavLink href={l.href} exact={l.exact}>
                      {l.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-end gap-4 border-b border-slate-200 px-6 py-2 text-sm dark:border-slate-800">
          <span>
            Signed in as <strong>{user.name}</strong> <span className="text-slate-600 dark:text-slate-300">({user.email})</span>
          </span>
          <Link href="/account/password">Change password</Link>
          <SignOutButton action={logoutAction} />
        </header>
        <main id="main" className="flex-1 px-6 py-6">
          {children}
        </main>
      </div>
    </div>
  );
}
