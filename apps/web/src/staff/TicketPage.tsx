import { useEffect, useRef, useState } from "react";
import { Link } from "wouter";
import { useMe } from "../app/session";
import { t } from "../i18n/i18n";
import { ErrorNote, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { EscalationPanel } from "./EscalationPanel";
import { slaBadge, statusLabel, tierLabel, typing } from "./labels";
import { useLive, usePresence } from "./live";
import { MoreActions } from "./MoreActions";
import { ReplyBox } from "./ReplyBox";
import { Thread } from "./Thread";
import { TicketFields } from "./TicketFields";
import { TicketSide } from "./TicketSide";
import { loadTicket } from "./ticketData";

/** One ticket: thread, fields, history, SLA, and the actions the user may take. */
export function TicketPage({ params }: { params: { key: string } }) {
  const { key } = params;
  const me = useMe();
  const data = useAsync((signal) => loadTicket(key, signal), [key]);
  const [editing, setEditing] = useState(false);
  const [changedBy, setChangedBy] = useState(false);
  const others = usePresence(key, editing ? "editing" : "viewing");
  const replyRef = useRef<{ focus: (kind: "reply" | "note") => void }>(null);
  const escalateRef = useRef<HTMLDetailsElement>(null);

  useLive((e) => {
    if (e.event === "presence" || e.data.ticket !== key) return;
    if (e.data.actorUserId === me?.id) return;
    // Someone else changed the ticket: the thread reloads at once; a reply being written is kept.
    setChangedBy(true);
    data.reload();
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: another ticket starts without the warning
  useEffect(() => setChangedBy(false), [key]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e)) return;
      if (e.key === "r") replyRef.current?.focus("reply");
      else if (e.key === "n") replyRef.current?.focus("note");
      else if (e.key === "e" && escalateRef.current) {
        escalateRef.current.open = true;
        escalateRef.current.querySelector("summary")?.focus();
      } else return;
      e.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  if (!data.data) return data.error ? <ErrorNote error={data.error} /> : <Loading />;
  const d = data.data;
  const tk = d.ticket;
  const sla = slaBadge(tk.slaState);
  const replying = others.filter((p) => p.mode === "editing");
  return (
    <div className="ticket-page">
      <p>
        <Link href="/">{t("staff.ticket.back")}</Link>
      </p>
      <PageTitle>{`${tk.key} · ${tk.subject}`}</PageTitle>
      <p className="row">
        <span className="badge">{statusLabel(tk.status)}</span>
        <span className="badge">{tierLabel(tk.tier)}</span>
        <span className="badge">{tk.priority}</span>
        {sla && <span className={`badge ${sla.tone}`}>{sla.label}</span>}
        <span className="muted">
          {tk.site} · {tk.category} · {t("staff.ticket.channel", { channel: tk.channel })}
        </span>
      </p>
      <div aria-live="polite">
        {replying.length > 0 && (
          <p className="notice warn-notice">
            {t("staff.presence.replying", { names: replying.map((p) => p.name).join(", ") })}
          </p>
        )}
        {replying.length === 0 && others.length > 0 && (
          <p className="muted">
            {t("staff.presence.viewing", { names: others.map((p) => p.name).join(", ") })}
          </p>
        )}
        {changedBy && (
          <p className="notice warn-notice">
            {t("staff.ticket.changedByOthers")}{" "}
            <button type="button" className="link" onClick={() => setChangedBy(false)}>
              {t("staff.ticket.dismiss")}
            </button>
          </p>
        )}
      </div>
      <ErrorNote error={data.error} />
      <div className="ticket-layout">
        <div className="stack ticket-main">
          <Thread data={d} onChanged={data.reload} />
          <ReplyBox ref={replyRef} data={d} onEditing={setEditing} onSent={data.reload} />
        </div>
        <div className="stack ticket-aside">
          <TicketFields key={tk.version} data={d} me={me?.id ?? 0} onChanged={data.reload} />
          <EscalationPanel ref={escalateRef} data={d} onMoved={data.reload} />
          <MoreActions data={d} onChanged={data.reload} />
          <TicketSide data={d} />
        </div>
      </div>
      <p className="muted small">{t("staff.ticket.shortcuts")}</p>
    </div>
  );
}
