import Link from "next/link";

export default function Forbidden() {
  return (
    <main id="main" className="mx-auto max-w-lg px-6 py-24 text-center">
      <p className="text-sm font-semibold text-slate-600 dark:text-slate-300">403</p>
      <h1 className="mt-2 text-2xl font-semibold">You do not have permission to see this</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">Your role here does not include this page. Ask an Organization Owner or Project Owner for access.</p>
      <p className="mt-6">
        <Link href="/">Go to your organizations</Link>
      </p>
    </main>
  );
}
