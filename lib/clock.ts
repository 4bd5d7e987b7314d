// One clock for the domain, so tests can freeze and move time instead of sleeping.
let current: () => Date = () => new Date();

export const now = (): Date => current();
export const nowIso = (): string => current().toISOString();

export function setClock(fn: () => Date): () => void {
  const prev = current;
  current = fn;
  return () => {
    current = prev;
  };
}
