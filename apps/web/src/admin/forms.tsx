import { type FormEvent, useState } from "react";
import { ApiError } from "../api/client";
import { t } from "../i18n/i18n";
import { ErrorNote } from "../ui/ui";

/** The state of one form's submission: busy while sending, the API's problem if refused, a note once done. */
export type Action = {
  busy: boolean;
  error: unknown;
  /** The success note, in the current language (it follows a language change). */
  done: (() => string) | null;
  /** Runs the write; on success shows `doneMessage` (a status line), on failure keeps the problem. */
  run: (write: () => Promise<unknown>, doneMessage?: () => string) => Promise<boolean>;
  /** A submit handler that prevents the browser's navigation, then runs the write. */
  submit: (write: () => Promise<unknown>, doneMessage?: () => string) => (e: FormEvent) => void;
  /** The problem's message for one field (problem+json `errors[].field`), to show at the field. */
  fieldError: (field: string) => string | undefined;
  reset: () => void;
};

/** Tracks a form's write: busy flag, the problem to show, and the field errors to tie to their inputs. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<(() => string) | null>(null);
  async function run(write: () => Promise<unknown>, doneMessage?: () => string): Promise<boolean> {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await write();
      // a function kept in state must be wrapped, or React would call it as an updater
      setDone(() => doneMessage ?? (() => t("admin.saved")));
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }
  return {
    busy,
    error,
    done,
    run,
    submit: (write, doneMessage) => (e) => {
      e.preventDefault();
      void run(write, doneMessage);
    },
    // a nested problem ("replyTemplate.name") is shown at the input that holds the whole value
    fieldError: (field) =>
      error instanceof ApiError
        ? (error.fieldMessage(field) ?? error.fields.find((f) => f.field.startsWith(`${field}.`))?.message)
        : undefined,
    reset: () => {
      setError(null);
      setDone(null);
    },
  };
}

/** The outcome of an action: the problem as an alert, or the success note as a polite status. */
export function ActionResult({ action }: { action: Action }) {
  return (
    <>
      <ErrorNote error={action.error} />
      <p className={action.done ? "notice" : "visually-hidden"} role="status">
        {action.done?.()}
      </p>
    </>
  );
}

/** Splits "a, b, c" (or one per line) into trimmed non-empty items. */
export const splitList = (text: string): string[] =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
