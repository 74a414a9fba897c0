import { type FormEvent, useState } from "react";
import { ApiError, api, unwrap } from "../api/client";
import { t } from "../i18n/i18n";
import { ErrorNote, Field } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { STATUSES, statusLabel } from "./labels";
import type { TicketData } from "./ticketData";

type Status = (typeof STATUSES)[number];

let reference: Promise<{
  categories: { key: string; name: string }[];
  priorities: { key: string; name: string }[];
}>;
/** Categories and priorities, asked once per page load. */
function loadReference() {
  reference ??= Promise.all([
    unwrap(api.GET("/api/v1/categories")),
    unwrap(api.GET("/api/v1/priorities")),
  ]).then(([c, p]) => ({ categories: c.items, priorities: p.items }));
  return reference;
}

/** Status, priority, category and assignee, changed against the version the user saw. */
export function TicketFields({
  data,
  me,
  onChanged,
}: {
  data: TicketData;
  me: number;
  onChanged: () => void;
}) {
  const tk = data.ticket;
  const ref = useAsync(() => loadReference(), []);
  const [status, setStatus] = useState<Status>(tk.status);
  const [priority, setPriority] = useState(tk.priority);
  const [category, setCategory] = useState(tk.category);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mayUpdate = tk.actions.includes("update");
  const mayStatus = tk.actions.includes("changeStatus");
  const mayAssign = tk.actions.includes("assign");

  async function patch(body: {
    status?: Status;
    priority?: string;
    category?: string;
    assigneeId?: number | null;
  }) {
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.PATCH("/api/v1/tickets/{key}", {
          params: { path: { key: tk.key } },
          body: { ...body, expectedVersion: tk.version },
        }),
      );
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 409 ? new ApiError(409, e.code, t("staff.fields.conflict")) : e,
      );
    } finally {
      setBusy(false);
      onChanged();
    }
  }

  function save(e: FormEvent) {
    e.preventDefault();
    void patch({
      ...(mayStatus && status !== tk.status ? { status } : {}),
      ...(mayUpdate && priority !== tk.priority ? { priority } : {}),
      ...(mayUpdate && category !== tk.category ? { category } : {}),
    });
  }

  if (!mayUpdate && !mayStatus && !mayAssign)
    return (
      <section className="card" aria-labelledby="fields-title">
        <h2 id="fields-title">{t("staff.fields.title")}</h2>
        <p>
          {t("staff.field.assignee")}: {tk.assignee?.name ?? t("staff.unassigned")}
        </p>
      </section>
    );
  const changed = status !== tk.status || priority !== tk.priority || category !== tk.category;
  return (
    <section className="card" aria-labelledby="fields-title">
      <h2 id="fields-title">{t("staff.fields.title")}</h2>
      <div className="stack">
        <p className="row">
          <span>
            {t("staff.field.assignee")}: <strong>{tk.assignee?.name ?? t("staff.unassigned")}</strong>
          </span>
          {mayAssign && tk.assignee?.id !== me && (
            <button type="button" disabled={busy} onClick={() => void patch({ assigneeId: me })}>
              {t("staff.fields.assignToMe")}
            </button>
          )}
          {mayAssign && tk.assignee && (
            <button type="button" disabled={busy} onClick={() => void patch({ assigneeId: null })}>
              {t("staff.fields.unassign")}
            </button>
          )}
        </p>
        <form className="stack" onSubmit={save}>
          {mayStatus && (
            <Field label={t("staff.field.status")}>
              {(p) => (
                <select {...p} value={status} onChange={(e) => setStatus(e.currentTarget.value as Status)}>
                  {STATUSES.filter((s) => s !== "new" || tk.status === "new")
                    .filter((s) => s !== "deferred" || tk.status === "deferred")
                    .map((s) => (
                      <option key={s} value={s}>
                        {statusLabel(s)}
                      </option>
                    ))}
                </select>
              )}
            </Field>
          )}
          {mayUpdate && ref.data && (
            <>
              <Field label={t("staff.field.priority")}>
                {(p) => (
                  <select {...p} value={priority} onChange={(e) => setPriority(e.currentTarget.value)}>
                    {ref.data?.priorities.map((x) => (
                      <option key={x.key} value={x.key}>
                        {x.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t("staff.field.category")}>
                {(p) => (
                  <select {...p} value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
                    {ref.data?.categories.map((x) => (
                      <option key={x.key} value={x.key}>
                        {x.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </>
          )}
          <ErrorNote error={error} />
          <button type="submit" disabled={busy || !changed}>
            {t("staff.fields.save")}
          </button>
        </form>
      </div>
    </section>
  );
}
