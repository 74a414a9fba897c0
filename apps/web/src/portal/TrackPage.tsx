import { type FormEvent, useState } from "react";
import { useSearch } from "wouter";
import { ApiError, api, unwrap } from "../api/client";
import { formatDateTime } from "../i18n/format";
import { t } from "../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { STATUS_LABEL, statusTone } from "./requests";

/**
 * A request followed through the signed link e-mailed to its requester (no account needed): status,
 * public replies and a reply box. The token in the link is the only key.
 */
export function TrackPage({ params }: { params: { key: string } }) {
  const token = new URLSearchParams(useSearch()).get("token") ?? "";
  const state = useAsync(
    () =>
      unwrap(
        api.GET("/api/v1/portal/requests/{key}", { params: { path: { key: params.key }, query: { token } } }),
      ),
    [params.key, token],
  );
  if (state.error) {
    const gone = state.error instanceof ApiError && [400, 403, 404].includes(state.error.status);
    return (
      <div className="stack">
        <PageTitle>{t("portal.track.title")}</PageTitle>
        {gone ? <p className="alert">{t("portal.track.badLink")}</p> : <ErrorNote error={state.error} />}
      </div>
    );
  }
  if (!state.data) return <Loading />;
  const r = state.data;
  return (
    <div className="stack">
      <PageTitle>{r.subject}</PageTitle>
      <p className="row muted">
        <span>{r.key}</span>
        <span className={`badge ${statusTone(r.status)}`}>
          {t(STATUS_LABEL[r.status] ?? "portal.status.inProgress")}
        </span>
        <span>{t("portal.request.opened", { date: formatDateTime(r.createdAt) })}</span>
      </p>
      {r.status === "pending-requester" && <p className="notice">{t("portal.request.waitingForYou")}</p>}
      <h2>{t("portal.request.conversation")}</h2>
      <ol className="list thread">
        {r.messages.map((m) => (
          <li key={m.id} className={m.from === "requester" ? "me" : "them"}>
            <p className="muted">
              <strong>
                {m.from === "requester" ? t("portal.chat.you") : (m.name ?? t("portal.request.supportTeam"))}
              </strong>{" "}
              · <time dateTime={m.createdAt}>{formatDateTime(m.createdAt)}</time>
            </p>
            <p className="body">{m.body}</p>
            {m.attachments.length > 0 && (
              <ul>
                {m.attachments.map((a) => (
                  <li key={a.id}>
                    <a href={a.url}>{a.filename}</a>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      <TrackReply ticketKey={r.key} token={token} onSent={state.reload} />
    </div>
  );
}

function TrackReply({ ticketKey, token, onSent }: { ticketKey: string; token: string; onSent: () => void }) {
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.POST("/api/v1/portal/requests/{key}/replies", {
          params: { path: { key: ticketKey }, query: { token } },
          body: { body: body.trim() },
        }),
      );
      setBody("");
      setSent(true);
      onSent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} className="stack">
      <Field
        label={t("portal.request.reply")}
        error={error instanceof ApiError ? error.fieldMessage("body") : undefined}
      >
        {(p) => (
          <textarea
            {...p}
            rows={5}
            maxLength={20_000}
            required
            value={body}
            onChange={(e) => {
              setBody(e.currentTarget.value);
              setSent(false);
            }}
          />
        )}
      </Field>
      {sent && (
        <p className="notice" role="status">
          {t("portal.request.sent")}
        </p>
      )}
      <ErrorNote error={error} />
      <button type="submit" className="primary" disabled={busy || !body.trim()}>
        {busy ? t("common.sending") : t("portal.request.send")}
      </button>
    </form>
  );
}
