import type { Runtime } from "./runtime";

/**
 * In-memory state that lives as long as a store: one value per store (tests open many), kept on
 * globalThis under `name`, so Next's separate server bundles — which each load this module — and
 * dev-mode reloads share the same value.
 */
export function perStore<T>(name: string, create: () => T): (rt: Runtime) => T {
  const key = `__gatehouse:${name}`;
  return (rt) => {
    const g = globalThis as unknown as Record<string, WeakMap<object, T> | undefined>;
    const all = (g[key] ??= new WeakMap());
    let v = all.get(rt.store);
    if (v === undefined) all.set(rt.store, (v = create()));
    return v;
  };
}
