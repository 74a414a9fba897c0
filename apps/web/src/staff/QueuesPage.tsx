import { useEffect, useRef, useState } from "react";
import { Link, useLocation, useSearch } from "wouter";
import { api, unwrap } from "../api/client";
import { useMe } from "../app/session";
import { formatRelative } from "../i18n/format";
import { t } from "../i18n/i18n";
import { ErrorNote, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { BulkBar } from "./BulkBar";
import {
  listQuery,
  type Queue,
  queueName,
  slaBadge,
  statusLabel,
  type TicketRow,
  tierLabel,
  typing,
} from "./labels";
import { useLive } from "./live";
import { ViewEditor } from "./ViewEditor";

const PAGE = 50;

/** The queues with their counts and the selected queue's tickets, most urgent SLA first. */
export function QueuesPage() {
  const me = useMe();
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const queues = useAsync(() => unwrap(api.GET("/api/v1/queues")), []);
  const items = queues.data?.items ?? [];
  const current = items.find((q) => q.id === search.get("queue")) ?? items[0];
  const [pages, setPages] = useState<{ rows: TicketRow[]; next: string | null }>({ rows: [], next: null });
  const list = useAsync(
    async (signal) => {
      if (!current) return { items: [], nextCursor: null };
      const page = await unwrap(
        api.GET("/api/v1/tickets", {
          params: { query: { ...listQuery(current.filters), sort: "sla", limit: PAGE } },
          signal,
        }),
      );
      setPages({ rows: page.items, next: page.nextCursor });
      return page;
    },
    [current?.id, JSON.stringify(current?.filters)],
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [announce, setAnnounce] = useState("");
  const reloadTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  // A burst of changes (a bulk action, a busy inbox) reloads the counts and the list once.
  useLive((e) => {
    if (e.event === "presence") return;
    clearTimeout(reloadTimer.current);
    reloadTimer.current = setTimeout(() => {
      queues.reload();
      list.reload();
      setAnnounce(t("staff.queues.updated"));
    }, 400);
  });
  useEffect(() => () => clearTimeout(reloadTimer.current), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: another queue starts with nothing selected
  useEffect(() => setSelected(new Set()), [current?.id]);

  const rows = pages.rows;
  const tableRef = useRef<HTMLTableElement>(null);
  useEffect(() => {
    // j/k move between tickets, x selects the focused one (its link has focus), o or Enter opens it.
    const onKey = (e: KeyboardEvent) => {
      if (typing(e)) return;
      const links = [...(tableRef.current?.querySelectorAll<HTMLAnchorElement>("a.ticket-link") ?? [])];
      const at = links.indexOf(document.activeElement as HTMLAnchorElement);
      if (e.key === "j" || e.key === "k") {
        const next = links[Math.min(links.length - 1, Math.max(0, at + (e.key === "j" ? 1 : -1)))];
        next?.focus();
        e.preventDefault();
      } else if (e.key === "x" && at >= 0) {
        const key = links[at]?.dataset.key;
        if (key) toggle(key);
      } else if (e.key === "o" && at >= 0) {
        links[at]?.click();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  });

  const toggle = (key: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(key)) next.add(key);
      return next;
    });

  async function more() {
    if (!current || !pages.next) return;
    const page = await unwrap(
      api.GET("/api/v1/tickets", {
        params: { query: { ...listQuery(current.filters), sort: "sla", limit: PAGE, cursor: pages.next } },
      }),
    );
    setPages((p) => ({ rows: [...p.rows, ...page.items], next: page.nextCursor }));
  }

  const pick = (q: Queue) => navigate(`/?queue=${encodeURIComponent(q.id)}`);

  return (
    <div className="workspace">
      <PageTitle>{current ? queueName(current) : t("staff.queues.title")}</PageTitle>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </p>
      <ErrorNote error={queues.error} />
      <nav aria-label={t("staff.queues.title")} className="queues">
        <ul className="queue-list">
          {items.map((q) => (
            <li key={q.id}>
              <a
                href={`?queue=${encodeURIComponent(q.id)}`}
                aria-current={q.id === current?.id ? "page" : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  pick(q);
                }}
              >
                <span>{queueName(q)}</span> <span className="badge">{q.count}</span>
              </a>
            </li>
          ))}
        </ul>
        {current && (
          <ViewEditor
            current={current}
            onSaved={(id) => {
              queues.reload();
              navigate(`/?queue=view-${id}`);
            }}
            onDeleted={() => {
              queues.reload();
              navigate("/");
            }}
          />
        )}
      </nav>
      <section aria-labelledby="queue-tickets" className="queue-tickets">
        <h2 id="queue-tickets" className="visually-hidden">
          {t("staff.queues.tickets")}
        </h2>
        <BulkBar
          keys={[...selected]}
          rows={rows.filter((r) => selected.has(r.key))}
          me={me?.id ?? 0}
          onDone={() => {
            setSelected(new Set());
            list.reload();
            queues.reload();
          }}
        />
        {list.loading && !rows.length ? <Loading /> : null}
        <ErrorNote error={list.error} />
        {!list.loading && !rows.length && <p className="muted">{t("staff.queues.empty")}</p>}
        {rows.length > 0 && (
          <table className="table tickets" ref={tableRef}>
            <caption className="visually-hidden">{t("staff.queues.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">{t("staff.queues.select")}</span>
                </th>
                <th scope="col">{t("staff.field.ticket")}</th>
                <th scope="col">{t("staff.field.status")}</th>
                <th scope="col">{t("staff.field.priority")}</th>
                <th scope="col">{t("staff.field.assignee")}</th>
                <th scope="col">{t("staff.field.sla")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const sla = slaBadge(r.slaState);
                return (
                  <tr key={r.key} className={r.slaState ? `sla-${r.slaState}` : undefined}>
                    <td>
                      <input
                        type="checkbox"
                        className="pick"
                        checked={selected.has(r.key)}
                        onChange={() => toggle(r.key)}
                        aria-label={t("staff.queues.selectTicket", { key: r.key })}
                      />
                    </td>
                    <td>
                      <Link href={`/tickets/${r.key}`} className="ticket-link" data-key={r.key}>
                        {r.key}
                      </Link>{" "}
                      {r.subject}
                      <div className="muted small">
                        {r.site} · {tierLabel(r.tier)} · {r.requester.name ?? r.requester.email ?? ""}
                      </div>
                    </td>
                    <td>{statusLabel(r.status)}</td>
                    <td>{r.priority}</td>
                    <td>{r.assignee?.name ?? <span className="muted">{t("staff.unassigned")}</span>}</td>
                    <td>
                      {sla && <span className={`badge ${sla.tone}`}>{sla.label}</span>}
                      {r.slaDueAt && <div className="small">{formatRelative(r.slaDueAt)}</div>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {pages.next && (
          <button type="button" onClick={() => void more()}>
            {t("staff.queues.more")}
          </button>
        )}
        <p className="muted small">{t("staff.queues.shortcuts")}</p>
      </section>
    </div>
  );
}
