"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "../ui/cn";

export function NavLink({ href, children, exact = false }: { href: string; children: string; exact?: boolean }) {
  // null only for a Pages Router page (pages/ holds API routes alone); its types say so since pages/ exists.
  const path = usePathname() ?? "";
  const active = exact ? path === href : path === href || path.startsWith(href + "/");
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={cn(
        "block rounded-md px-3 py-1.5 text-sm text-slate-700 no-underline hover:bg-slate-100 hover:no-underline dark:text-slate-200 dark:hover:bg-slate-800",
        active && "bg-brand-50 font-semibold text-brand-800 dark:bg-emerald-950 dark:text-emerald-300",
      )}
    >
      {children}
    </Link>
  );
}
