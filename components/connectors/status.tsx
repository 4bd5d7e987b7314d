import Link from "next/link";

type Status = { id: string; status: "disabled" | "checking" | "connected" | "fault"; summary: string; addUserName: string | null; lastCheck: { at: string } | null };

const DOT = { connected: "bg-green-600", fault: "bg-red-600", checking: "bg-amber-500", disabled: "bg-slate-400" } as const;
const WORD = { connected: "Connected", fault: "Fault", checking: "Checking", disabled: "Disabled" } as const;

/** The connector's status in words, with the fix one click away when a database user is missing. */
export function ConnectorStatus({ connector: c, projectId, compact = false }: { connector: Status; projectId: string; compact?: boolean }) {
  return (
    <div data-testid={compact ? undefined : "connector-status"}>
      <p className="flex items-start gap-2">
        <span aria-hidden className={`mt-1.5 inline-block h-2.5 w-2.5 shrink-0 rounded-full ${DOT[c.status]}`} />
        <span className="break-all">
          <span className="sr-only">{WORD[c.status]}: </span>
          {c.status === "disabled" && c.summary !== "Disabled" ? `Disabled. Last check: ${c.summary}` : c.summary}
        </span>
      </p>
      {c.addUserName ? (
        <p className="mt-1 text-sm">
          <Link href={`/projects/${projectId}/database-access?add=${encodeURIComponent(c.addUserName)}`}>Add {compact ? "the user" : c.addUserName} in Database Access</Link>
        </p>
      ) : null}
      {!compact && c.lastCheck ? <p className="mt-1 text-xs text-slate-600 dark:text-slate-300">Checked {c.lastCheck.at.replace("T", " ").slice(0, 19)} UTC</p> : null}
    </div>
  );
}
