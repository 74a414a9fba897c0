import { type FormEvent, type ReactNode, useState } from "react";
import { ApiError } from "../api/client";
import { formatDateTime } from "../i18n/format";
import { t } from "../i18n/i18n";
import { ErrorNote, Field, PageTitle } from "../ui/ui";
import { STATUS_LABEL, statusTone } from "./requests";

/** One public reply as the requester sees it; `mine` marks the requester's own. */
export type ThreadMessage = {
  id: string | number;
  mine: boolean;
  name?: string | null;
  createdAt: string;
  body: string;
  attachments: { id: string | number; url: string; filename: string }[];
};

/**
 * A request as its requester sees it, signed in or through the e-mailed link: subject, status, the public
 * conversation and whatever follows it (`children`, the reply box). Times are shown in `zone` when known.
 */
export function RequestThread({
  request,
  messages,
  zone,
  children,
}: {
  request: { key: string; subject: string; status: string; createdAt: string };
  messages: ThreadMessage[];
  zone?: string | undefined;
  children?: ReactNode;
}) {
  const when = (iso: string) => formatDateTime(iso, { siteZone: zone });
  return (
    <>
      <PageTitle>{request.subject}</PageTitle>
      <p className="row muted">
        <span>{request.key}</span>
        <span className={`badge ${statusTone(request.status)}`}>
          {t(STATUS_LABEL[request.status] ?? "portal.status.inProgress")}
        </span>
        <span>{t("portal.request.opened", { date: when(request.createdAt) })}</span>
      </p>
      {request.status === "pending-requester" && (
        <p className="notice">{t("portal.request.waitingForYou")}</p>
      )}
      <h2>{t("portal.request.conversation")}</h2>
      <ol className="list thread">
        {messages.map((m) => (
          <li key={m.id} className={m.mine ? "me" : "them"}>
            <p className="muted">
              <strong>{m.mine ? t("portal.chat.you") : (m.name ?? t("portal.request.supportTeam"))}</strong> ·{" "}
              <time dateTime={m.createdAt}>{when(m.createdAt)}</time>
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
      {children}
    </>
  );
}

/** The requester's reply box; `send` posts the trimmed text, `onSent` reloads the thread after it. */
export function ReplyForm({
  maxLength,
  send,
  onSent,
}: {
  maxLength: number;
  send: (body: string) => Promise<unknown>;
  onSent: () => void;
}) {
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await send(body.trim());
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
            maxLength={maxLength}
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
