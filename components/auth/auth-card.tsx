import type { ReactNode } from "react";

export function AuthCard({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <main id="main" className="flex min-h-screen items-center justify-center bg-slate-50 px-4 py-12 dark:bg-slate-950">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <p className="text-sm font-semibold tracking-wide text-brand-700 dark:text-emerald-400">Gatehouse</p>
        <h1 className="mt-1 text-2xl font-semibold">{title}</h1>
        {intro ? <div className="mt-2 text-sm text-slate-600 dark:text-slate-300">{intro}</div> : null}
        <div className="mt-6">{children}</div>
      </div>
    </main>
  );
}
