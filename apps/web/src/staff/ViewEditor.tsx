import { type FormEvent, useState } from "react";
import { type ApiError, api, unwrap } from "../api/client";
import { t } from "../i18n/i18n";
import { ErrorNote, Field } from "../ui/ui";
import type { Queue, QueueFilters } from "./labels";

const ACTIVE = ["new", "open", "pending-requester", "pending-vendor"] as const;
const csv = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/** Filters of the current queue, editable, saved as a personal view (or the saved view deleted). */
export function ViewEditor({
  current,
  onSaved,
  onDeleted,
}: {
  current: Queue;
  onSaved: (id: number) => void;
  onDeleted: () => void;
}) {
  const f = current.filters;
  const [name, setName] = useState("");
  const [sites, setSites] = useState(f.site?.join(", ") ?? "");
  const [tier, setTier] = useState(f.tier?.join(",") ?? "");
  const [priority, setPriority] = useState(f.priority?.join(", ") ?? "");
  const [assignee, setAssignee] = useState(f.assignee === undefined ? "" : String(f.assignee));
  const [sla, setSla] = useState(f.sla?.join(",") ?? "");
  const [q, setQ] = useState(f.q ?? "");
  const [error, setError] = useState<unknown>(null);

  function filters(): QueueFilters {
    return {
      status: f.status ?? [...ACTIVE],
      ...(csv(sites).length ? { site: csv(sites).map((s) => s.toUpperCase()) } : {}),
      ...(tier ? { tier: csv(tier).map(Number) } : {}),
      ...(csv(priority).length ? { priority: csv(priority) } : {}),
      ...(assignee === "me" || assignee === "none" ? { assignee } : {}),
      ...(sla ? { sla: csv(sla) as QueueFilters["sla"] } : {}),
      ...(q.trim() ? { q: q.trim() } : {}),
    };
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const view = await unwrap(
        api.POST("/api/v1/views", { body: { name: name.trim(), filters: filters() } }),
      );
      setName("");
      onSaved(view.id);
    } catch (err) {
      setError(err);
    }
  }

  async function remove() {
    if (current.viewId === null) return;
    try {
      await unwrap(api.DELETE("/api/v1/views/{id}", { params: { path: { id: current.viewId } } }));
      onDeleted();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <details className="view-editor">
      <summary>{t("staff.views.edit")}</summary>
      <form className="stack" onSubmit={(e) => void save(e)}>
        <Field label={t("staff.views.sites")} hint={t("staff.views.sitesHint")}>
          {(p) => <input {...p} value={sites} onChange={(e) => setSites(e.currentTarget.value)} />}
        </Field>
        <Field label={t("staff.field.tier")}>
          {(p) => (
            <select {...p} value={tier} onChange={(e) => setTier(e.currentTarget.value)}>
              <option value="">{t("staff.views.any")}</option>
              <option value="1">{t("staff.tier", { tier: 1 })}</option>
              <option value="2">{t("staff.tier", { tier: 2 })}</option>
              <option value="3">{t("staff.tier", { tier: 3 })}</option>
            </select>
          )}
        </Field>
        <Field label={t("staff.field.priority")} hint={t("staff.views.priorityHint")}>
          {(p) => <input {...p} value={priority} onChange={(e) => setPriority(e.currentTarget.value)} />}
        </Field>
        <Field label={t("staff.field.assignee")}>
          {(p) => (
            <select {...p} value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)}>
              <option value="">{t("staff.views.any")}</option>
              <option value="me">{t("staff.views.me")}</option>
              <option value="none">{t("staff.unassigned")}</option>
            </select>
          )}
        </Field>
        <Field label={t("staff.field.sla")}>
          {(p) => (
            <select {...p} value={sla} onChange={(e) => setSla(e.currentTarget.value)}>
              <option value="">{t("staff.views.any")}</option>
              <option value="warning,breached">{t("staff.queue.breaching")}</option>
              <option value="breached">{t("staff.sla.breached")}</option>
            </select>
          )}
        </Field>
        <Field label={t("staff.views.search")}>
          {(p) => <input {...p} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} />}
        </Field>
        <Field label={t("staff.views.name")} error={(error as ApiError | null)?.fieldMessage?.("name")}>
          {(p) => <input {...p} required value={name} onChange={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <ErrorNote error={error} />
        <div className="row">
          <button type="submit" className="primary">
            {t("staff.views.save")}
          </button>
          {current.viewId !== null && (
            <button type="button" onClick={() => void remove()}>
              {t("staff.views.delete")}
            </button>
          )}
        </div>
      </form>
    </details>
  );
}
