import { cn } from "../ui/cn";

const LOOK = {
  green: { icon: "✔", label: "Trusted", cls: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200" },
  yellow: { icon: "!", label: "Not trusted", cls: "bg-amber-100 text-amber-950 dark:bg-amber-950 dark:text-amber-200" },
  red: { icon: "✖", label: "Invalid", cls: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200" },
} as const;

/** The trust shield: colour plus a word and the reason, so it does not rely on colour alone. */
export function Shield({ shield, reason, compact = false }: { shield: "green" | "yellow" | "red"; reason: string; compact?: boolean }) {
  const l = LOOK[shield];
  return (
    <span title={reason} data-shield={shield} className={cn("inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-semibold", l.cls)}>
      <svg aria-hidden="true" viewBox="0 0 16 16" className="h-3.5 w-3.5 fill-current">
        <path d="M8 1 2 3.5v4C2 11 4.6 14 8 15c3.4-1 6-4 6-7.5v-4z" />
      </svg>
      <span aria-hidden="true">{l.icon}</span>
      {l.label}
      {compact ? <span className="sr-only">: {reason}</span> : <span className="font-normal">— {reason}</span>}
    </span>
  );
}
