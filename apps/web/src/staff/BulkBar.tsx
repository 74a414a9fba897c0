import { useState } from "react";
import { api, unwrap } from "../api/client";
import { t } from "../i18n/i18n";
import { ErrorNote } from "../ui/ui";
import { STATUSES, statusLabel, type TicketRow } from "./labels";

type Status = (typeof STATUSES)[number];

/** Bulk actions on the selected tickets: assign to me, change status (only what the user may do on all). */
export function BulkBar({
  keys,
  rows,
  me,
  onDone,
}: {
  keys: string[];
  rows: TicketRow[];
  me: number;
  onDone: () => void;
}) {
  const [status, setStatus] = useState<Status>("open");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!keys.length) return null;
  const mayAssign = rows.every((r) => r.actions.includes("assign"));
  const mayStatus = rows.every((r) => r.actions.includes("changeStatus"));

  async function apply(body: { assigneeId?: number; status?: Status }) {
    setBusy(true);
    setError(null);
    const results = await Promise.allSettled(
      rows.map((r) => unwrap(api.PATCH("/api/v1/tickets/{key}", { params: { path: { key: r.key } }, body }))),
    );
    setBusy(false);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) setError((failed as PromiseRejectedResult).reason);
    onDone();
  }

  return (
    <fieldset className="card row bulk">
      <legend className="visually-hidden">{t("staff.bulk.label")}</legend>
      <strong>{t("staff.bulk.selected", { count: keys.length })}</strong>
      {mayAssign && (
        <button type="button" disabled={busy} onClick={() => void apply({ assigneeId: me })}>
          {t("staff.bulk.assignToMe")}
        </button>
      )}
      {mayStatus && (
        <>
          <label htmlFor="bulk-status" className="visually-hidden">
            {t("staff.bulk.status")}
          </label>
          <select
            id="bulk-status"
            className="inline"
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as Status)}
          >
            {STATUSES.filter((s) => s !== "new" && s !== "deferred").map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
          <button type="button" disabled={busy} onClick={() => void apply({ status })}>
            {t("staff.bulk.setStatus")}
          </button>
        </>
      )}
      <ErrorNote error={error} />
    </fieldset>
  );
}
