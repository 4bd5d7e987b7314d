"use client";

import { useState, type ReactNode } from "react";

/**
 * A form whose result is shown in its place once (a new secret or key). Rendered inside a
 * Dialog, it mounts with each opening, so a reopened dialog asks again — it never shows the
 * last secret a second time, and a second one can be made without reloading the page.
 */
export function ShowOnce<T>({ form, children }: { form: (done: (result: T) => void) => ReactNode; children: (result: T) => ReactNode }) {
  const [result, setResult] = useState<{ value: T } | null>(null);
  return result ? children(result.value) : form((value) => setResult({ value }));
}
