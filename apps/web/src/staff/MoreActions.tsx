import { type FormEvent, type ReactNode, useState } from "react";
import { Link } from "wouter";
import { api, unwrap } from "../api/client";
import { sitesWhere, useMe } from "../app/session";
import { t } from "../i18n/i18n";
import { ErrorNote } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import type { TicketData } from "./ticketData";

/** A small form in a disclosure: runs `action`, shows its error, reloads the ticket on success. */
function ActionForm({
  title,
  submit,
  action,
  onDone,
  children,
}: {
  title: string;
  submit: string;
  action: () => Promise<unknown>;
  onDone: () => void;
  children: ReactNode;
}) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function run(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <details className="card">
      <summary>{title}</summary>
      <form className="stack" onSubmit={(e) => void run(e)}>
        {children}
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>
          {submit}
        </button>
      </form>
    </details>
  );
}

/** Deferral, links and merging, and logging a phone call: shown only when the user may take them. */
export function MoreActions({ data, onChanged }: { data: TicketData; onChanged: () => void }) {
  const me = useMe();
  const tk = data.ticket;
  const key = tk.key;
  const path = { params: { path: { key } } };
  const works = tk.actions.includes("update");
  const level2 = sitesWhere(me, ["agent", "coordinator"]).includes(tk.site);
  const mayPropose = level2 && tk.tier === 3 && !["deferred", "closed"].includes(tk.status);
  const releases = useAsync(
    () =>
      mayPropose && tk.product
        ? unwrap(
            api.GET("/api/v1/releases", { params: { query: { product: tk.product, status: "planned" } } }),
          )
        : Promise.resolve({ items: [] }),
    [mayPropose, tk.product],
  );
  const [release, setRelease] = useState("");
  const [deferReason, setDeferReason] = useState("");
  const [other, setOther] = useState("");
  const [into, setInto] = useState("");
  const [callMinutes, setCallMinutes] = useState("5");
  const [callSummary, setCallSummary] = useState("");
  const [callNumber, setCallNumber] = useState(tk.requester.phone ?? "");
  const [callError, setCallError] = useState<unknown>(null);
  const decide = async (id: number, verb: "approve" | "reject") => {
    try {
      const note = verb === "reject" ? window.prompt(t("staff.defer.rejectNote")) : undefined;
      if (verb === "reject" && !note) return;
      const params = { path: { key, id } };
      if (verb === "approve")
        await unwrap(api.POST("/api/v1/tickets/{key}/deferrals/{id}/approve", { params, body: {} }));
      else
        await unwrap(
          api.POST("/api/v1/tickets/{key}/deferrals/{id}/reject", { params, body: { note: note ?? "" } }),
        );
      onChanged();
    } catch (e) {
      setCallError(e);
    }
  };

  return (
    <>
      {data.deferrals.length > 0 && (
        <section className="card" aria-labelledby="deferrals-title">
          <h2 id="deferrals-title">{t("staff.defer.title")}</h2>
          <ul className="list">
            {data.deferrals.map((d) => (
              <li key={d.id}>
                <p>
                  {t("staff.defer.item", {
                    version: `${d.release.product} ${d.release.version}`,
                    state: d.state,
                    by: d.proposedBy.name,
                  })}
                </p>
                <p className="body">{d.reason}</p>
                <div className="row">
                  {d.actions.includes("approve") && (
                    <button type="button" onClick={() => void decide(d.id, "approve")}>
                      {t("staff.defer.approve")}
                    </button>
                  )}
                  {d.actions.includes("reject") && (
                    <button type="button" onClick={() => void decide(d.id, "reject")}>
                      {t("staff.defer.reject")}
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
          <ErrorNote error={callError} />
        </section>
      )}
      {mayPropose && (releases.data?.items.length ?? 0) > 0 && (
        <ActionForm
          title={t("staff.defer.propose")}
          submit={t("staff.defer.proposeSubmit")}
          onDone={onChanged}
          action={() =>
            unwrap(
              api.POST("/api/v1/tickets/{key}/deferrals", {
                ...path,
                body: { releaseId: Number(release), reason: deferReason },
              }),
            )
          }
        >
          <div className="field">
            <label htmlFor="defer-release">{t("staff.defer.release")}</label>
            <select
              id="defer-release"
              required
              value={release}
              onChange={(e) => setRelease(e.currentTarget.value)}
            >
              <option value="">{t("staff.dossier.choose")}</option>
              {releases.data?.items.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.product} {r.version}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="defer-reason">{t("staff.defer.reason")}</label>
            <textarea
              id="defer-reason"
              required
              value={deferReason}
              onChange={(e) => setDeferReason(e.currentTarget.value)}
            />
          </div>
        </ActionForm>
      )}
      {works && (
        <ActionForm
          title={t("staff.links.add")}
          submit={t("staff.links.addSubmit")}
          onDone={() => {
            setOther("");
            onChanged();
          }}
          action={() =>
            unwrap(
              api.POST("/api/v1/tickets/{key}/links", {
                ...path,
                body: { ticket: other.trim().toUpperCase() },
              }),
            )
          }
        >
          <div className="field">
            <label htmlFor="link-key">{t("staff.links.key")}</label>
            <input id="link-key" required value={other} onChange={(e) => setOther(e.currentTarget.value)} />
          </div>
        </ActionForm>
      )}
      {works && tk.status !== "closed" && (
        <ActionForm
          title={t("staff.merge.title")}
          submit={t("staff.merge.submit")}
          onDone={onChanged}
          action={() =>
            unwrap(
              api.POST("/api/v1/tickets/{key}/merge", { ...path, body: { into: into.trim().toUpperCase() } }),
            )
          }
        >
          <p className="hint">{t("staff.merge.hint")}</p>
          <div className="field">
            <label htmlFor="merge-into">{t("staff.merge.into")}</label>
            <input id="merge-into" required value={into} onChange={(e) => setInto(e.currentTarget.value)} />
          </div>
        </ActionForm>
      )}
      {works && tk.status !== "closed" && (
        <ActionForm
          title={t("staff.call.title")}
          submit={t("staff.call.submit")}
          onDone={() => {
            setCallSummary("");
            onChanged();
          }}
          action={() =>
            unwrap(
              api.POST("/api/v1/sites/{code}/calls", {
                params: { path: { code: tk.site } },
                body: {
                  ticketKey: key,
                  number: callNumber,
                  direction: "inbound",
                  startedAt: new Date(Date.now() - Number(callMinutes) * 60_000).toISOString(),
                  durationSeconds: Math.round(Number(callMinutes) * 60),
                  summary: callSummary,
                  category: tk.category,
                  priority: tk.priority,
                },
              }),
            )
          }
        >
          <div className="field">
            <label htmlFor="call-number">{t("staff.call.number")}</label>
            <input
              id="call-number"
              type="tel"
              required
              value={callNumber}
              onChange={(e) => setCallNumber(e.currentTarget.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="call-minutes">{t("staff.call.minutes")}</label>
            <input
              id="call-minutes"
              type="number"
              min="0"
              max="1440"
              required
              value={callMinutes}
              onChange={(e) => setCallMinutes(e.currentTarget.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="call-summary">{t("staff.call.summary")}</label>
            <textarea
              id="call-summary"
              required
              value={callSummary}
              onChange={(e) => setCallSummary(e.currentTarget.value)}
            />
          </div>
        </ActionForm>
      )}
      {data.links.length > 0 && (
        <section className="card" aria-labelledby="links-title">
          <h2 id="links-title">{t("staff.links.title")}</h2>
          <ul className="list">
            {data.links.map((l) => (
              <li key={l.id} className="row">
                <span>
                  {l.kind === "duplicate-of"
                    ? l.direction === "outgoing"
                      ? t("staff.links.duplicateOf")
                      : t("staff.links.hasDuplicate")
                    : t("staff.links.related")}{" "}
                  <Link href={`/tickets/${l.ticket.key}`}>{l.ticket.key}</Link> {l.ticket.subject}
                </span>
                {l.actions.includes("delete") && (
                  <button
                    type="button"
                    className="link"
                    onClick={() =>
                      void unwrap(
                        api.DELETE("/api/v1/tickets/{key}/links/{id}", {
                          params: { path: { key, id: l.id } },
                        }),
                      ).then(onChanged, setCallError)
                    }
                  >
                    {t("staff.links.remove")}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
