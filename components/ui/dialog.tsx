"use client";

import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { buttonClass } from "./button";

/**
 * A modal on the native <dialog>: the browser traps focus, Escape closes it, and focus returns to
 * the button that opened it. The content mounts on open, so a reopened form starts clean.
 */
export function Dialog({ trigger, title, children, triggerVariant = "secondary" }: { trigger: string; title: string; children: (close: () => void) => ReactNode; triggerVariant?: "primary" | "secondary" | "danger" | "ghost" }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const close = () => setOpen(false);
  return (
    <>
      <button type="button" className={buttonClass(triggerVariant)} onClick={() => setOpen(true)}>
        {trigger}
      </button>
      <dialog ref={ref} onClose={close} aria-labelledby={titleId} className="m-auto w-full max-w-lg rounded-lg bg-white p-0 text-slate-900 shadow-xl backdrop:bg-black/50 dark:bg-slate-900 dark:text-slate-100">
        {open ? (
          <div className="p-6">
            <div className="mb-4 flex items-start justify-between gap-4">
              <h2 id={titleId} className="text-lg font-semibold">
                {title}
              </h2>
              <button type="button" onClick={close} className={buttonClass("ghost", "px-2 py-1")} aria-label="Close">
                ✕
              </button>
            </div>
            {children(close)}
          </div>
        ) : null}
      </dialog>
    </>
  );
}
