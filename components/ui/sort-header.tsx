import Link from "next/link";
import { th } from "./table";

/** A column header that sorts by `k` (a second click reverses), keeping the other filters. */
export function SortHeader({ k, label, current, desc, base, query }: { k: string; label: string; current: string; desc: boolean; base: string; query: Record<string, string | undefined> }) {
  const next = { ...query, sort: k, desc: current === k && !desc ? "1" : undefined, page: undefined };
  const qs = new URLSearchParams(Object.entries(next).filter((e): e is [string, string] => !!e[1]));
  return (
    <th className={th} aria-sort={current === k ? (desc ? "descending" : "ascending") : undefined}>
      <Link href={`${base}?${qs}`}>{label}</Link>
    </th>
  );
}
