import { Link } from "wouter";
import { formatDateTime } from "../i18n/format";
import { type MessageKey, t } from "../i18n/i18n";
import { duration, statusLabel, tierLabel } from "./labels";
import { AttachmentLink } from "./Thread";
import type { TicketData } from "./ticketData";

const CLOCK: Record<string, MessageKey> = {
  first_response: "staff.sla.firstResponse",
  next_response: "staff.sla.nextResponse",
  resolution: "staff.sla.resolution",
};
const CLOCK_STATE: Record<string, { tone: string; label: MessageKey }> = {
  running: { tone: "", label: "staff.sla.running" },
  paused: { tone: "", label: "staff.sla.paused" },
  met: { tone: "ok", label: "staff.sla.met" },
  breached: { tone: "danger", label: "staff.sla.breached" },
  stopped: { tone: "", label: "staff.sla.stopped" },
};

/** The requester and their other tickets, the SLA clocks, the tier history and the files. */
export function TicketSide({ data }: { data: TicketData }) {
  const tk = data.ticket;
  const r = tk.requester;
  return (
    <>
      <section className="card" aria-labelledby="requester-title">
        <h2 id="requester-title">{t("staff.requester.title")}</h2>
        <p>
          <strong>{r.name ?? r.email ?? r.phone ?? r.whatsappId}</strong>
          {r.email && <span className="block">{r.email}</span>}
          {r.phone && <span className="block">{r.phone}</span>}
        </p>
        <h3>{t("staff.requester.others")}</h3>
        {data.others.length ? (
          <ul className="plain">
            {data.others.map((o) => (
              <li key={o.key}>
                <Link href={`/tickets/${o.key}`}>{o.key}</Link> {o.subject}{" "}
                <span className="muted">({statusLabel(o.status)})</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("staff.requester.none")}</p>
        )}
      </section>
      {data.sla && data.sla.clocks.length > 0 && (
        <section className="card" aria-labelledby="sla-title">
          <h2 id="sla-title">{t("staff.sla.title")}</h2>
          <ul className="plain">
            {data.sla.clocks.map((c) => {
              const state = CLOCK_STATE[c.state] ?? { tone: "", label: "staff.sla.running" };
              const warned = c.state === "running" && c.warnedAt;
              return (
                <li key={c.kind} className={`clock sla-${c.state}`}>
                  <strong>{t(CLOCK[c.kind] ?? "staff.sla.resolution")}</strong>{" "}
                  <span className={`badge ${warned ? "warn" : state.tone}`}>
                    {warned ? t("staff.sla.warning") : t(state.label)}
                  </span>
                  {c.dueAt && (
                    <span className="block small">{t("staff.sla.due", { at: formatDateTime(c.dueAt) })}</span>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <section className="card" aria-labelledby="tiers-title">
        <h2 id="tiers-title">{t("staff.tiers.title")}</h2>
        <ol className="timeline">
          {tk.tierHistory.map((s) => (
            <li key={s.enteredAt}>
              <strong>{tierLabel(s.tier)}</strong> · {duration(s.durationMs)}
              {s.leftAt === null && <span className="badge">{t("staff.tiers.now")}</span>}
              <span className="block small muted">{formatDateTime(s.enteredAt)}</span>
              {s.reason && <span className="block small">{s.reason}</span>}
            </li>
          ))}
        </ol>
      </section>
      {data.attachments.length > 0 && (
        <section className="card" aria-labelledby="files-title">
          <h2 id="files-title">{t("staff.files.title")}</h2>
          <ul className="attachments">
            {data.attachments.map((a) => (
              <li key={a.id}>
                <AttachmentLink a={a} />
                {a.visibility === "internal" && <span className="badge warn">{t("staff.thread.note")}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
