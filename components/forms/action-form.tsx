"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type FormEvent, type ReactNode } from "react";
import { bytesToBase64 } from "../ui/download";
import { useToast } from "../ui/toast";
import { FormErrorsContext, FieldError, type FieldErrorMap } from "./form-errors";

type ActionError = { code: string; message: string; fieldErrors?: Record<string, string[]>; eventId?: string };
type ActionResult = {
  data?: unknown;
  serverError?: ActionError;
  validationErrors?: { formErrors?: string[]; fieldErrors?: Record<string, string[] | undefined> };
} | undefined;

// Any safe action: its typed input is enforced on the server by its zod schema; forms hand it
// loosely typed FormData-derived objects. The one `any` of the console lives here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SafeAction = (input: any) => Promise<any>;

/**
 * FormData → plain object; fields listed in `arrays` always become arrays (checkbox groups), and
 * chosen files travel as base64 strings (the actions' zod schemas cap their size).
 */
async function toInput(form: HTMLFormElement, arrays: string[]): Promise<Record<string, unknown>> {
  const fd = new FormData(form);
  const out: Record<string, unknown> = {};
  for (const key of new Set(fd.keys())) {
    const values: string[] = [];
    for (const v of fd.getAll(key)) {
      if (typeof v === "string") values.push(v);
      else if (v.size > 0) values.push(bytesToBase64(new Uint8Array(await v.arrayBuffer())));
    }
    out[key] = arrays.includes(key) ? values : values[0];
  }
  for (const key of arrays) out[key] ??= [];
  return out;
}


/**
 * The one way a console form talks to a server action: submits, shows each error next to its
 * field (or above the form), toasts the outcome and refreshes server data.
 */
export function ActionForm({
  action,
  children,
  submitLabel,
  successMessage,
  arrays = [],
  resetOnSuccess = false,
  onSuccess,
  className,
  submitVariant = "primary",
  ariaLabel,
  submitDisabled = false,
  pendingLabel = "Working…",
}: {
  action: SafeAction;
  children: ReactNode;
  submitLabel: string;
  successMessage?: string;
  arrays?: string[];
  resetOnSuccess?: boolean;
  onSuccess?: (data: unknown) => void;
  className?: string;
  submitVariant?: "primary" | "danger";
  ariaLabel?: string;
  submitDisabled?: boolean;
  /** What the button says while the action runs (e.g. "Connecting…"). */
  pendingLabel?: string;
}) {
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const [formError, setFormError] = useState<string[] | undefined>();
  const [pending, startTransition] = useTransition();
  const formRef = useRef<HTMLFormElement>(null);
  const toast = useToast();
  const router = useRouter();

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    startTransition(async () => {
      const res: ActionResult = await action(await toInput(form, arrays));
      const ve = res?.validationErrors;
      const se = res?.serverError;
      if (ve || se) {
        const fieldErrors: FieldErrorMap = { ...(ve?.fieldErrors ?? {}), ...(se?.fieldErrors ?? {}) };
        const general = [...(ve?.formErrors ?? []), ...(fieldErrors._form ?? [])];
        delete fieldErrors._form;
        setErrors(fieldErrors);
        const hasFieldErrors = Object.values(fieldErrors).some((v) => v?.length);
        const message = se?.message ?? (general.length ? general.join(" ") : "Check the highlighted fields.");
        setFormError(hasFieldErrors && !se ? general : [message]);
        toast("error", message);
        return;
      }
      setErrors({});
      setFormError(undefined);
      if (resetOnSuccess) formRef.current?.reset();
      if (successMessage) toast("success", successMessage);
      onSuccess?.(res?.data);
      router.refresh();
    });
  }

  return (
    <FormErrorsContext.Provider value={errors}>
      <form ref={formRef} onSubmit={submit} className={className ?? "space-y-4"} aria-label={ariaLabel} noValidate>
        {formError?.length ? (
          <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
            <FieldError id="form-error" errors={formError} />
          </div>
        ) : null}
        {children}
        <button
          type="submit"
          aria-busy={pending || undefined}
          disabled={pending || submitDisabled}
          className={
            (submitVariant === "danger" ? "bg-red-700 hover:bg-red-800" : "bg-brand-700 hover:bg-brand-800") +
            " inline-flex items-center rounded-md px-3 py-2 text-sm font-medium text-white disabled:cursor-wait disabled:bg-slate-500"
          }
        >
          {pending ? pendingLabel : submitLabel}
        </button>
      </form>
    </FormErrorsContext.Provider>
  );
}
