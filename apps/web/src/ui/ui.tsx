import { type ReactNode, useEffect, useId, useRef } from "react";
import { ApiError } from "../api/client";
import { t } from "../i18n/i18n";

/** A polite "loading" line for screen readers and sighted users alike. */
export function Loading({ label }: { label?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      {label ?? t("common.loading")}
    </p>
  );
}

/** Shows an API problem (or any error) as an alert; field errors are listed too. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  let message = t("common.error.generic");
  if (error instanceof ApiError) {
    if (error.status === 0) message = t("common.error.network");
    else if (error.status === 401) message = t("common.error.signInFirst");
    else if (error.status === 404) message = t("common.error.notFound");
    else if (error.status === 429) message = t("common.error.tooMany");
    else if (error.status < 500) message = error.message;
  }
  return (
    <div className="alert" role="alert">
      {message}
    </div>
  );
}

/** A labelled input, textarea or select; the hint and error are tied to it with aria-describedby. */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: string;
  error?: string | undefined;
  children: (props: { id: string; "aria-describedby"?: string; "aria-invalid"?: true }) => ReactNode;
}) {
  const id = useId();
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children({
        id,
        ...(described ? { "aria-describedby": described } : {}),
        ...(error ? { "aria-invalid": true as const } : {}),
      })}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Sets the document title and moves focus to the page's heading on navigation, for screen readers. */
export function PageTitle({ children, id }: { children: string; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${children} · Tierdesk`;
    ref.current?.focus({ preventScroll: true });
  }, [children]);
  return (
    <h1 ref={ref} tabIndex={-1} id={id}>
      {children}
    </h1>
  );
}
