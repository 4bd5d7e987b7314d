/** A GET search box: the query lives in the URL, so results are linkable and render server-side. */
export function SearchForm({ label, defaultValue, name = "q" }: { label: string; defaultValue?: string; name?: string }) {
  return (
    <form role="search" className="mb-4 flex max-w-md gap-2">
      <label htmlFor={`search-${name}`} className="sr-only">
        {label}
      </label>
      <input
        id={`search-${name}`}
        name={name}
        type="search"
        defaultValue={defaultValue}
        placeholder={label}
        className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-600 dark:bg-slate-900"
      />
      <button type="submit" className="rounded-md border border-slate-300 px-3 py-2 text-sm dark:border-slate-600">
        Search
      </button>
    </form>
  );
}
