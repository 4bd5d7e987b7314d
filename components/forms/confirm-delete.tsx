"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Dialog } from "../ui/dialog";
import { ActionForm, type SafeAction } from "./action-form";
import { Field } from "./form-errors";


/**
 * Destructive actions ask for the name typed out. The server checks the typed name again; the
 * disabled button here only saves a round trip.
 */
export function ConfirmDelete({
  what,
  name,
  action,
  hidden,
  warning,
  redirectTo,
  trigger = "Delete",
}: {
  what: string;
  name: string;
  action: SafeAction;
  hidden: Record<string, string | number>;
  warning?: string;
  redirectTo?: string;
  trigger?: string;
}) {
  const [typed, setTyped] = useState("");
  const router = useRouter();
  return (
    <Dialog trigger={trigger} title={`Delete ${what} "${name}"`} triggerVariant="danger">
      {(close) => (
        <ActionForm
          action={action}
          submitLabel={`Delete ${what}`}
          submitVariant="danger"
          submitDisabled={typed !== name}
          successMessage={`Deleted ${what} "${name}".`}
          onSuccess={() => {
            close();
            if (redirectTo) router.replace(redirectTo);
          }}
        >
          <p className="text-sm">{warning ?? `This cannot be undone.`}</p>
          {Object.entries(hidden).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          <Field label={`Type "${name}" to confirm`} name="confirmName" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
          {typed !== name ? <p className="text-xs text-slate-600 dark:text-slate-300">The button deletes only when the name matches.</p> : null}
        </ActionForm>
      )}
    </Dialog>
  );
}
