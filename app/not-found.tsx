import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="mx-auto max-w-lg px-6 py-24 text-center">
      <p className="text-sm font-semibold text-slate-600 dark:text-slate-300">404</p>
      <h1 className="mt-2 text-2xl font-semibold">Page not found</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">This page does not exist, or you do not have access to it.</p>
      <p className="mt-6">
        <Link href="/">Go to your organizations</Link>
      </p>
    </main>
  );
}
