import { useState } from "react";
import { api, unwrap } from "../api/client";
import { formatDateTime } from "../i18n/format";
import { t } from "../i18n/i18n";
import { ErrorNote } from "../ui/ui";
import { tierLabel } from "./labels";
import type { Attachment, AuditEvent, Message, TicketData } from "./ticketData";

// Message events are shown as the messages themselves.
const SHOWN_AS_MESSAGE = new Set(["reply.added", "note.added"]);

type Item = { at: string; order: number; message?: Message; event?: AuditEvent };

const show = (v: unknown) =>
  v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v);

/** What an audit event says, in words. */
function describe(e: AuditEvent): string {
  const before = e.before ?? {};
  const after = e.after ?? {};
  if (e.type === "ticket.created") return t("staff.event.created");
  if (e.type === "tier.changed")
    return t("staff.event.tier", {
      from: tierLabel(Number(before.tier)),
      to: tierLabel(Number(after.tier)),
      reason: show(after.reason),
    });
  if (e.type === "ticket.updated")
    return Object.keys(after)
      .map((k) => t("staff.event.field", { field: k, from: show(before[k]), to: show(after[k]) }))
      .join("; ");
  if (e.type === "ticket.merged") return t("staff.event.merged", { key: show(after.duplicate) });
  if (e.type === "link.added") return t("staff.event.linked", { key: show(after.related) });
  return t("staff.event.other", { type: e.type });
}

/** A file of the thread: images are previewed, others are links. */
export function AttachmentLink({ a }: { a: Attachment }) {
  return (
    <a href={a.url} target="_blank" rel="noopener" className="attachment">
      {a.contentType.startsWith("image/") && <img src={a.url} alt="" className="preview" loading="lazy" />}
      <span>
        {a.filename} <span className="muted">({Math.max(1, Math.round(a.size / 1024))} KB)</span>
      </span>
    </a>
  );
}

/** Who really sent a mail, for staff; one from an unverified sender can be accepted as the requester's reply. */
function Sender({ m, canAccept, onAccept }: { m: Message; canAccept: boolean; onAccept: () => void }) {
  if (!m.sender) return null;
  const who = m.sender.name ? `${m.sender.name} <${m.sender.address}>` : m.sender.address;
  return (
    <p className="row small">
      <span className="muted">{t("staff.thread.sender", { sender: who })}</span>
      {m.sender.status === "unverified" && <span className="badge warn">{t("staff.thread.unverified")}</span>}
      {m.sender.status === "accepted" && <span className="badge">{t("staff.thread.accepted")}</span>}
      {m.sender.status === "unverified" && canAccept && (
        <button type="button" onClick={onAccept}>
          {t("staff.thread.accept")}
        </button>
      )}
    </p>
  );
}

/** The thread: public replies, internal notes (marked) and system events, oldest first. */
export function Thread({ data, onChanged }: { data: TicketData; onChanged: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const canAccept = data.ticket.actions.includes("update");
  const accept = async (id: number) => {
    try {
      setError(null);
      await unwrap(
        api.POST("/api/v1/tickets/{key}/messages/{id}/accept", {
          params: { path: { key: data.ticket.key, id } },
        }),
      );
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const items: Item[] = [
    ...data.messages.map((m) => ({ at: m.createdAt, order: 0, message: m })),
    ...data.events
      .filter((e) => !SHOWN_AS_MESSAGE.has(e.type))
      .map((e) => ({ at: e.createdAt, order: 1, event: e })),
  ].sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);
  return (
    <section aria-labelledby="thread-title">
      <h2 id="thread-title">{t("staff.thread.title")}</h2>
      <ErrorNote error={error} />
      <ol className="list thread staff-thread">
        {items.map((it) =>
          it.message ? (
            <li
              key={`m${it.message.id}`}
              className={
                it.message.kind === "note"
                  ? "note"
                  : it.message.author?.type === "contact"
                    ? "from-requester"
                    : "reply"
              }
            >
              <p className="row small">
                <strong>{it.message.author?.name ?? t("staff.thread.system")}</strong>
                <span className={`badge ${it.message.kind === "note" ? "warn" : ""}`}>
                  {it.message.kind === "note" ? t("staff.thread.note") : t("staff.thread.reply")}
                </span>
                <span className="muted">{formatDateTime(it.message.createdAt)}</span>
              </p>
              <Sender
                m={it.message}
                canAccept={canAccept}
                onAccept={() => void accept((it.message as Message).id)}
              />
              <p className="body">{it.message.body}</p>
              {it.message.attachments.length > 0 && (
                <ul className="attachments">
                  {it.message.attachments.map((a) => (
                    <li key={a.id}>
                      <AttachmentLink a={a} />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ) : it.event ? (
            <li key={`e${it.event.id}`} className="event small">
              <span className="muted">{formatDateTime(it.event.createdAt)}</span>{" "}
              {it.event.actor ? <strong>{it.event.actor.name}</strong> : null} {describe(it.event)}
            </li>
          ) : null,
        )}
      </ol>
    </section>
  );
}
