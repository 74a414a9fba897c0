import { type FormEvent, type Ref, useState } from "react";
import { ApiError, api, unwrap } from "../api/client";
import { t } from "../i18n/i18n";
import { ErrorNote } from "../ui/ui";
import { DOSSIER_FIELDS, type DossierDraft, DossierForm, emptyDraft, toDossier } from "./DossierForm";
import { tierLabel } from "./labels";
import type { TicketData } from "./ticketData";

type Move = NonNullable<TicketData["escalation"]>["moves"][number];

/** Escalate one level up (criteria checklist, and the dossier for Level 3) or hand back down with an answer. */
export function EscalationPanel({
  data,
  onMoved,
  ref,
}: {
  data: TicketData;
  onMoved: () => void;
  ref: Ref<HTMLDetailsElement>;
}) {
  const moves = (data.escalation?.moves ?? []).filter((m) => m.allowed);
  const [chosen, setChosen] = useState<Move | undefined>(undefined);
  // Escalating is the common case: it is offered first when both directions are open.
  const move =
    chosen && moves.some((m) => m.toTier === chosen.toTier)
      ? chosen
      : (moves.find((m) => m.direction === "up") ?? moves[0]);
  const [reason, setReason] = useState("");
  const [answer, setAnswer] = useState("");
  const [checked, setChecked] = useState<string[]>([]);
  const [draft, setDraft] = useState<DossierDraft>(() => emptyDraft(data.ticket));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!moves.length || !move) return null;

  const missing = new Map<string, string>();
  if (error instanceof ApiError)
    for (const f of error.fields)
      if (f.field.startsWith("dossier.")) missing.set(f.field.slice(8), f.message);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!move) return;
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.POST("/api/v1/tickets/{key}/escalations", {
          params: { path: { key: data.ticket.key } },
          body: {
            direction: move.direction,
            toTier: move.toTier,
            reason,
            ...(move.direction === "down" ? { answer } : {}),
            ...(move.criteria.length ? { criteriaChecked: checked } : {}),
            ...(move.dossierRequired ? { dossier: toDossier(draft) } : {}),
          },
        }),
      );
      setReason("");
      setAnswer("");
      onMoved();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.fields.some((f) => f.field.startsWith("dossier.")))
        document.getElementById("dossier-errors")?.focus();
    } finally {
      setBusy(false);
    }
  }

  const label = (m: Move) =>
    m.direction === "up"
      ? t("staff.escalate.up", { tier: tierLabel(m.toTier) })
      : t("staff.escalate.down", { tier: tierLabel(m.toTier) });
  return (
    <details className="card" ref={ref}>
      <summary>{t("staff.escalate.title")}</summary>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        {moves.length > 1 && (
          <fieldset className="row">
            <legend>{t("staff.escalate.move")}</legend>
            {moves.map((m) => (
              <label key={m.toTier} className="check">
                <input
                  type="radio"
                  name="move"
                  checked={m.toTier === move.toTier}
                  onChange={() => setChosen(m)}
                />
                {label(m)}
              </label>
            ))}
          </fieldset>
        )}
        {move.criteria.length > 0 && (
          <fieldset>
            <legend>{t("staff.escalate.criteria")}</legend>
            {move.criteria.map((c) => (
              <label key={c} className="check">
                <input
                  type="checkbox"
                  checked={checked.includes(c)}
                  onChange={(e) =>
                    setChecked(e.currentTarget.checked ? [...checked, c] : checked.filter((x) => x !== c))
                  }
                />
                {c}
              </label>
            ))}
          </fieldset>
        )}
        <div className="field">
          <label htmlFor="escalate-reason">{t("staff.escalate.reason")}</label>
          <textarea
            id="escalate-reason"
            required
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
        </div>
        {move.direction === "down" && (
          <div className="field">
            <label htmlFor="escalate-answer">{t("staff.escalate.answer")}</label>
            <textarea
              id="escalate-answer"
              required
              value={answer}
              onChange={(e) => setAnswer(e.currentTarget.value)}
            />
          </div>
        )}
        {missing.size > 0 && (
          <div className="alert" id="dossier-errors" tabIndex={-1} role="alert">
            <p>{t("staff.dossier.incomplete", { count: missing.size })}</p>
            <ul>
              {DOSSIER_FIELDS.filter(([f]) => missing.has(f)).map(([f, l]) => (
                <li key={f}>
                  <a href={`#dossier-${f}`}>{t(l)}</a>
                </li>
              ))}
            </ul>
          </div>
        )}
        {move.dossierRequired && (
          <>
            {move.dossierMissing.length > 0 && missing.size === 0 && (
              <p className="hint">{t("staff.dossier.stillMissing", { count: move.dossierMissing.length })}</p>
            )}
            <DossierForm draft={draft} set={setDraft} errors={missing} attachments={data.attachments} />
          </>
        )}
        {!(error instanceof ApiError && missing.size > 0) && <ErrorNote error={error} />}
        <button type="submit" className="primary" disabled={busy}>
          {label(move)}
        </button>
      </form>
    </details>
  );
}
