"use client";

import { useTransition } from "react";

export function SignOutButton({ action }: { action: () => Promise<unknown> }) {
  const [pending, start] = useTransition();
  return (
    <button type="button" disabled={pending} onClick={() => start(async () => void (await action()))} className="rounded-md px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800">
      Sign out
    </button>
  );
}
