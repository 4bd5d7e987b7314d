"use client";

import { createContext, useContext, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

export type FieldErrorMap = Record<string, string[] | undefined>;
export const FormErrorsContext = createContext<FieldErrorMap>({});

const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 aria-[invalid=true]:border-red-600";

/** A labelled input whose server-side error (by field name) shows right under it. */
export function Field({ label, name, hint, className, ...rest }: InputHTMLAttributes<HTMLInputElement> & { label: string; name: string; hint?: ReactNode }) {
  const errors = useContext(FormErrorsContext)[name];
  const id = `f-${name}-${rest.id ?? ""}`.replace(/[^A-Za-z0-9_-]/g, "_");
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input id={id} name={name} aria-invalid={errors ? true : undefined} aria-describedby={errors ? `${id}-err` : hint ? `${id}-hint` : undefined} className={inputClass} {...rest} />
      {hint && !errors ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600 dark:text-slate-300">
          {hint}
        </p>
      ) : null}
      <FieldError id={`${id}-err`} errors={errors} />
    </div>
  );
}

export function SelectField({ label, name, children, className, ...rest }: SelectHTMLAttributes<HTMLSelectElement> & { label: string; name: string }) {
  const errors = useContext(FormErrorsContext)[name];
  const id = `f-${name}`;
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <select id={id} name={name} aria-invalid={errors ? true : undefined} aria-describedby={errors ? `${id}-err` : undefined} className={inputClass} {...rest}>
        {children}
      </select>
      <FieldError id={`${id}-err`} errors={errors} />
    </div>
  );
}

/** A labelled multi-line input (PEM, JSON), monospaced, with its error under it like Field's. */
export function TextAreaField({ label, name, hint, className, ...rest }: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; name: string; hint?: ReactNode }) {
  const errors = useContext(FormErrorsContext)[name];
  const id = `f-${name}`;
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <textarea id={id} name={name} aria-invalid={errors ? true : undefined} aria-describedby={errors ? `${id}-err` : hint ? `${id}-hint` : undefined} className={`${inputClass} font-mono text-xs`} {...rest} />
      {hint && !errors ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600 dark:text-slate-300">
          {hint}
        </p>
      ) : null}
      <FieldError id={`${id}-err`} errors={errors} />
    </div>
  );
}

/** A group of checkboxes sharing one name (e.g. roles), with one error line for the group. */
export function CheckboxGroup({ legend, name, options, defaultValues = [] }: { legend: string; name: string; options: { value: string; label: string }[]; defaultValues?: string[] }) {
  const errors = useContext(FormErrorsContext)[name];
  return (
    <fieldset aria-describedby={errors ? `cg-${name}-err` : undefined}>
      <legend className="text-sm font-medium">{legend}</legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {options.map((o) => (
          <label key={o.value} className="flex items-center gap-2 text-sm">
            <input type="checkbox" name={name} value={o.value} defaultChecked={defaultValues.includes(o.value)} className="h-4 w-4" />
            {o.label}
          </label>
        ))}
      </div>
      <FieldError id={`cg-${name}-err`} errors={errors} />
    </fieldset>
  );
}

export function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-700 dark:text-red-400">
      {errors.join(" ")}
    </p>
  );
}
