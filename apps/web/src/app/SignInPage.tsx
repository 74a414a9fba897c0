import { type FormEvent, useState } from "react";
import { useLocation, useSearch } from "wouter";
import { t } from "../i18n/i18n";
import { portalNav } from "../portal/PortalApp";
import { Shell } from "../ui/Shell";
import { ErrorNote, Field, PageTitle } from "../ui/ui";
import { isStaff, signIn } from "./session";

// Only same-site paths are followed after sign-in, never another origin.
function safeNext(raw: string | null): string | null {
  return raw?.startsWith("/") && !raw.startsWith("//") ? raw : null;
}

/** E-mail and password sign-in; afterwards back to where the user came from, or their home area. */
export function SignInPage() {
  const [, navigate] = useLocation();
  const next = safeNext(new URLSearchParams(useSearch()).get("next"));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const me = await signIn(String(form.get("email")), String(form.get("password")));
      navigate(next && next !== "/signin" ? next : isStaff(me) ? "/staff" : "/", { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <Shell nav={portalNav()}>
      <div className="narrow">
        <PageTitle>{t("common.signIn")}</PageTitle>
        <form onSubmit={submit} className="stack">
          <Field label={t("common.email")}>
            {(p) => <input {...p} name="email" type="email" autoComplete="username" required />}
          </Field>
          <Field label={t("common.password")}>
            {(p) => <input {...p} name="password" type="password" autoComplete="current-password" required />}
          </Field>
          <ErrorNote error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t("common.signingIn") : t("common.signIn")}
          </button>
        </form>
      </div>
    </Shell>
  );
}
