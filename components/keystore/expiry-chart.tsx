/** A bar per month (server-rendered SVG), with the numbers also in a table for screen readers. */
export function ExpiryChart({ months }: { months: { month: string; count: number }[] }) {
  const max = Math.max(1, ...months.map((m) => m.count));
  const w = 48;
  return (
    <figure>
      <svg viewBox={`0 0 ${months.length * w} 140`} className="h-40 w-full max-w-3xl" role="img" aria-label="Certificates expiring per month, next 12 months">
        {months.map((m, i) => {
          const h = Math.round((m.count / max) * 100);
          return (
            <g key={m.month}>
              <rect x={i * w + 8} y={110 - h} width={w - 16} height={h} className="fill-brand-700 dark:fill-emerald-400" />
              <text x={i * w + w / 2} y={106 - h} textAnchor="middle" className="fill-current text-[10px]">{m.count || ""}</text>
              <text x={i * w + w / 2} y={128} textAnchor="middle" className="fill-current text-[10px]">{m.month.slice(2)}</text>
            </g>
          );
        })}
      </svg>
      <table className="sr-only">
        <caption>Certificates expiring per month</caption>
        <tbody>
          {months.map((m) => (
            <tr key={m.month}><th>{m.month}</th><td>{m.count}</td></tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
