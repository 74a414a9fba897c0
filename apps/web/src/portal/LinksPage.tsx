import { type FormEvent, useState } from "react";
import { api, unwrap } from "../api/client";
import { t } from "../i18n/i18n";
import { ErrorNote, Field, PageTitle } from "../ui/ui";

/**
 * "Send me a new link": for someone whose link to a request expired, was withdrawn or got lost. The
 * server answers alike whether or not it knows the address, so the page says the same either way.
 */
export function LinksPage() {
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);

  async function send(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST("/api/v1/portal/links", { body: { email: email.trim() } }));
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack">
      <PageTitle>{t("portal.links.title")}</PageTitle>
      {sent ? (
        <p className="notice" role="status">
          {t("portal.links.sent")}
        </p>
      ) : (
        <form onSubmit={send} className="stack">
          <p className="muted">{t("portal.links.intro")}</p>
          <Field label={t("common.email")}>
            {(p) => (
              <input
                {...p}
                type="email"
                name="email"
                autoComplete="email"
                maxLength={254}
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
              />
            )}
          </Field>
          <ErrorNote error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t("common.sending") : t("portal.links.send")}
          </button>
        </form>
      )}
    </div>
  );
}
