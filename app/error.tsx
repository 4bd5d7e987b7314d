"use client";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
        The error was logged{error.digest ? ` with id ${error.digest}` : ""}. Try again; if it keeps happening, give that id to your administrator.
      </p>
      <button type="button" onClick={reset} className="mt-6 rounded-md bg-brand-700 px-3 py-2 text-sm font-medium text-white">
        Try again
      </button>
    </main>
  );
}
