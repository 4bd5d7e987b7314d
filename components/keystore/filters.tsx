const input = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900";

/** GET filters: the URL holds them, the server renders the page. */
export function KeystoreFilters({ values }: { values: Record<string, string | undefined> }) {
  return (
    <form role="search" aria-label="Filter the Key Store" className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-5 md:items-end">
      <div>
        <label htmlFor="ks-q" className="text-sm font-medium">Search</label>
        <input id="ks-q" name="q" type="search" defaultValue={values.q} placeholder="alias, CN, subject, serial" className={input} />
      </div>
      <div>
        <label htmlFor="ks-usage" className="text-sm font-medium">Usage</label>
        <select id="ks-usage" name="usage" defaultValue={values.usage ?? ""} className={input}>
          <option value="">Any</option>
          <option value="CA">CA</option>
          <option value="Client">Client</option>
          <option value="Server">Server</option>
        </select>
      </div>
      <div>
        <label htmlFor="ks-status" className="text-sm font-medium">Status</label>
        <select id="ks-status" name="status" defaultValue={values.status ?? ""} className={input}>
          <option value="">Any</option>
          <option value="green">Trusted</option>
          <option value="yellow">Not trusted</option>
          <option value="red">Invalid</option>
        </select>
      </div>
      <div>
        <label htmlFor="ks-expiring" className="text-sm font-medium">Expiring within (days)</label>
        <input id="ks-expiring" name="expiring" type="number" min={1} max={3650} defaultValue={values.expiring} className={input} />
      </div>
      <div>
        {values.sort ? <input type="hidden" name="sort" value={values.sort} /> : null}
        <button type="submit" className="rounded-md bg-brand-700 px-3 py-2 text-sm font-medium text-white">Filter</button>
      </div>
    </form>
  );
}
