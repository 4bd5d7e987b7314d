import Link from "next/link";
import type { Link as ChainLink } from "@/lib/pki/chain";
import { Shield } from "./shield";

/** The chain from this certificate up to its anchor, each link with its own status. */
export function ChainDiagram({ chain, projectId }: { chain: ChainLink[]; projectId: string }) {
  return (
    <ol className="space-y-2" aria-label="Certificate chain, this certificate first">
      {chain.map((l, i) => (
        <li key={l.id} className="flex items-start gap-3">
          <span aria-hidden="true" className="mt-1 text-slate-500">{i === 0 ? "●" : "↑"}</span>
          <div>
            <Link href={`/projects/${projectId}/keystore/${l.id}`}>{l.alias}</Link> <Shield shield={l.shield} reason={l.reason} compact />
            <p className="text-xs text-slate-600 dark:text-slate-300">{l.reason}</p>
          </div>
        </li>
      ))}
    </ol>
  );
}
