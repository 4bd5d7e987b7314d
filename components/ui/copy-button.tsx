"use client";

import { useState } from "react";

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      onClick={async () => {
        await navigator.clipboard.writeText(text);
        setDone(true);
        setTimeout(() => setDone(false), 2000);
      }}
      className="rounded-md border border-slate-300 px-2 py-1 text-xs dark:border-slate-600"
    >
      {done ? "Copied" : label}
    </button>
  );
}
