import { useState } from "react";
import { Link, useSearch } from "wouter";
import { ApiError, api, unwrap } from "../api/client";
import type { Ok } from "../api/types";
import { t } from "../i18n/i18n";
import { ErrorNote, PageTitle } from "../ui/ui";

type Receipt = Ok<"/api/v1/portal/requests/{key}/confirm", "post">;

/**
 * The page of the link mailed to the address an anonymous request named: a button confirms that the
 * address is the reader's (a mail scanner opening the link confirms nothing), and the request then joins
 * their own requests if they have an account.
 */
export function ConfirmPage({ params }: { params: { key: string } }) {
  const token = new URLSearchParams(useSearch()).get("token") ?? "";
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<Receipt | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      setDone(
        await unwrap(
          api.POST("/api/v1/portal/requests/{key}/confirm", {
            params: { path: { key: params.key } },
            body: { token },
          }),
        ),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const bad = error instanceof ApiError && [400, 404, 410, 422].includes(error.status);
  return (
    <div className="stack">
      <PageTitle>{t("portal.confirm.title")}</PageTitle>
      {done ? (
        <>
          <p className="notice" role="status">
            {t("portal.confirm.done", { key: done.key })}
          </p>
          <p className="row">
            {done.token && (
              <Link href={`/portal/requests/${done.key}?token=${encodeURIComponent(done.token)}`}>
                {t("portal.submit.follow")}
              </Link>
            )}
            <Link href="/requests">{t("portal.nav.myRequests")}</Link>
          </p>
        </>
      ) : (
        <>
          <p>{t("portal.confirm.intro", { key: params.key })}</p>
          {bad ? (
            <p className="alert">
              {t("portal.track.badLink")} <Link href="/portal/links">{t("portal.links.ask")}</Link>
            </p>
          ) : (
            <ErrorNote error={error} />
          )}
          <button type="button" className="primary" disabled={busy || !token} onClick={confirm}>
            {busy ? t("common.sending") : t("portal.confirm.button")}
          </button>
        </>
      )}
    </div>
  );
}
