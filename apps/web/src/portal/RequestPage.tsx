import { type FormEvent, useState } from "react";
import { Link } from "wouter";
import { ApiError, api, unwrap } from "../api/client";
import type { Ok } from "../api/types";
import { RequireSignIn } from "../app/RequireSignIn";
import { useMe } from "../app/session";
import { formatDateTime } from "../i18n/format";
import { t } from "../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { STATUS_LABEL, siteZones, statusTone } from "./requests";

type Message = Ok<"/api/v1/tickets/{key}/messages", "get">["items"][number];

/** One of the requester's requests: its status, the conversation with the support team, and a reply box. */
export function RequestPage({ params }: { params: { key: string } }) {
  return (
    <RequireSignIn>
      <Request ticketKey={params.key} />
    </RequireSignIn>
  );
}

function Request({ ticketKey }: { ticketKey: string }) {
  const me = useMe();
  const state = useAsync(async () => {
    const path = { key: ticketKey };
    const [ticket, messages, zones] = await Promise.all([
      unwrap(api.GET("/api/v1/tickets/{key}", { params: { path } })),
      unwrap(api.GET("/api/v1/tickets/{key}/messages", { params: { path } })),
      siteZones(),
    ]);
    return {
      ticket,
      messages: messages.items.filter((m) => m.kind === "reply"),
      zone: zones.get(ticket.site),
    };
  }, [ticketKey]);

  if (state.error) return <ErrorNote error={state.error} />;
  if (!state.data) return <Loading />;
  const { ticket, messages, zone } = state.data;
  const mine = (m: Message) =>
    m.author?.type === "contact" || (m.author?.type === "user" && m.author.id === me?.id);
  return (
    <div className="stack">
      <p>
        <Link href="/requests">← {t("portal.nav.myRequests")}</Link>
      </p>
      <PageTitle>{ticket.subject}</PageTitle>
      <p className="row muted">
        <span>{ticket.key}</span>
        <span className={`badge ${statusTone(ticket.status)}`}>
          {t(STATUS_LABEL[ticket.status] ?? "portal.status.inProgress")}
        </span>
        <span>
          {t("portal.request.opened", { date: formatDateTime(ticket.createdAt, { siteZone: zone }) })}
        </span>
      </p>
      {ticket.status === "pending-requester" && <p className="notice">{t("portal.request.waitingForYou")}</p>}
      <h2>{t("portal.request.conversation")}</h2>
      <ol className="list thread">
        {messages.map((m) => (
          <li key={m.id} className={mine(m) ? "me" : "them"}>
            <p className="muted">
              <strong>
                {mine(m) ? t("portal.chat.you") : (m.author?.name ?? t("portal.request.supportTeam"))}
              </strong>{" "}
              · <time dateTime={m.createdAt}>{formatDateTime(m.createdAt, { siteZone: zone })}</time>
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
      {ticket.actions.includes("reply") && <ReplyForm ticketKey={ticket.key} onSent={state.reload} />}
    </div>
  );
}

function ReplyForm({ ticketKey, onSent }: { ticketKey: string; onSent: () => void }) {
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
        api.POST("/api/v1/tickets/{key}/messages", {
          params: { path: { key: ticketKey } },
          body: { kind: "reply", body: body.trim() },
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
            maxLength={50_000}
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
