import type { Body } from "../api/types";
import { type MessageKey, t } from "../i18n/i18n";
import type { Attachment } from "./ticketData";

export type Dossier = NonNullable<Body<"/api/v1/tickets/{key}/escalations", "post">["dossier"]>;
/** The form's state: text as typed, turned into the dossier on sending. */
export type DossierDraft = {
  module: string;
  summary: string;
  description: string;
  stepsToReproduce: string;
  productVersion: string;
  applicationUrl: string;
  impactedUsers: string;
  impactedRoles: string;
  browserAndDevice: string;
  attachmentIds: number[];
  noEvidenceReason: string;
  severity: "" | "critical" | "high" | "medium" | "low";
  workaroundExists: "" | "yes" | "no";
  workaround: string;
};
export const emptyDraft = (t: {
  productVersion: string | null;
  module: string | null;
  subject: string;
}): DossierDraft => ({
  module: t.module ?? "",
  summary: t.subject,
  description: "",
  stepsToReproduce: "",
  productVersion: t.productVersion ?? "",
  applicationUrl: "",
  impactedUsers: "",
  impactedRoles: "",
  browserAndDevice: "",
  attachmentIds: [],
  noEvidenceReason: "",
  severity: "",
  workaroundExists: "",
  workaround: "",
});

const lines = (s: string) =>
  s
    .split("\n")
    .map((x) => x.trim())
    .filter(Boolean);
const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/** The dossier to send: only what was filled in, so the server names every missing field. */
export function toDossier(d: DossierDraft): Dossier {
  const text = (s: string) => (s.trim() ? s.trim() : undefined);
  const out: Dossier = {};
  for (const k of [
    "module",
    "summary",
    "description",
    "productVersion",
    "applicationUrl",
    "impactedUsers",
    "browserAndDevice",
    "workaround",
  ] as const) {
    const v = text(d[k]);
    if (v) out[k] = v;
  }
  if (lines(d.stepsToReproduce).length) out.stepsToReproduce = lines(d.stepsToReproduce);
  if (list(d.impactedRoles).length) out.impactedRoles = list(d.impactedRoles);
  if (d.attachmentIds.length || d.noEvidenceReason.trim())
    out.evidence = {
      attachmentIds: d.attachmentIds,
      ...(d.noEvidenceReason.trim() ? { noEvidenceReason: d.noEvidenceReason.trim() } : {}),
    };
  if (d.severity) out.severity = d.severity;
  if (d.workaroundExists) out.workaroundExists = d.workaroundExists === "yes";
  return out;
}

/** The dossier's fields in the order the support model lists them, with their labels. */
export const DOSSIER_FIELDS: Array<[keyof Dossier, MessageKey]> = [
  ["module", "staff.dossier.module"],
  ["summary", "staff.dossier.summary"],
  ["description", "staff.dossier.description"],
  ["stepsToReproduce", "staff.dossier.steps"],
  ["productVersion", "staff.dossier.version"],
  ["applicationUrl", "staff.dossier.url"],
  ["impactedUsers", "staff.dossier.users"],
  ["impactedRoles", "staff.dossier.roles"],
  ["browserAndDevice", "staff.dossier.browser"],
  ["evidence", "staff.dossier.evidence"],
  ["severity", "staff.dossier.severity"],
  ["workaroundExists", "staff.dossier.workaroundExists"],
];

/** The Level 3 dossier as a form; `errors` (field name to message) points at each missing field. */
export function DossierForm({
  draft,
  set,
  errors,
  attachments,
}: {
  draft: DossierDraft;
  set: (d: DossierDraft) => void;
  errors: Map<string, string>;
  attachments: Attachment[];
}) {
  const input = (
    name: keyof DossierDraft,
    label: MessageKey,
    kind: "input" | "textarea" = "input",
    hint?: MessageKey,
  ) => {
    const id = `dossier-${name}`;
    const error = errors.get(name);
    const described =
      [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
    const props = {
      id,
      value: draft[name] as string,
      "aria-invalid": error ? (true as const) : undefined,
      "aria-describedby": described,
      onChange: (e: { currentTarget: { value: string } }) => set({ ...draft, [name]: e.currentTarget.value }),
    };
    return (
      <div className="field">
        <label htmlFor={id}>{t(label)}</label>
        {hint && (
          <p className="hint" id={`${id}-hint`}>
            {t(hint)}
          </p>
        )}
        {kind === "textarea" ? <textarea {...props} /> : <input {...props} />}
        {error && (
          <p className="field-error" id={`${id}-error`}>
            {error}
          </p>
        )}
      </div>
    );
  };
  const fieldError = (name: string) =>
    errors.get(name) ? (
      <p className="field-error" id={`dossier-${name}-error`}>
        {errors.get(name)}
      </p>
    ) : null;
  return (
    <fieldset className="stack dossier">
      <legend>{t("staff.dossier.title")}</legend>
      {input("module", "staff.dossier.module")}
      {input("summary", "staff.dossier.summary")}
      {input("description", "staff.dossier.description", "textarea")}
      {input("stepsToReproduce", "staff.dossier.steps", "textarea", "staff.dossier.stepsHint")}
      {input("productVersion", "staff.dossier.version")}
      {input("applicationUrl", "staff.dossier.url")}
      {input("impactedUsers", "staff.dossier.users")}
      {input("impactedRoles", "staff.dossier.roles", "input", "staff.dossier.rolesHint")}
      {input("browserAndDevice", "staff.dossier.browser")}
      <fieldset
        id="dossier-evidence"
        aria-describedby={errors.get("evidence") ? "dossier-evidence-error" : undefined}
      >
        <legend>{t("staff.dossier.evidence")}</legend>
        {attachments.map((a) => (
          <label key={a.id} className="check">
            <input
              type="checkbox"
              checked={draft.attachmentIds.includes(a.id)}
              onChange={(e) =>
                set({
                  ...draft,
                  attachmentIds: e.currentTarget.checked
                    ? [...draft.attachmentIds, a.id]
                    : draft.attachmentIds.filter((x) => x !== a.id),
                })
              }
            />
            {a.filename}
          </label>
        ))}
        {input("noEvidenceReason", "staff.dossier.noEvidence")}
        {fieldError("evidence")}
      </fieldset>
      <div className="field">
        <label htmlFor="dossier-severity">{t("staff.dossier.severity")}</label>
        <select
          id="dossier-severity"
          value={draft.severity}
          aria-invalid={errors.get("severity") ? true : undefined}
          aria-describedby={errors.get("severity") ? "dossier-severity-error" : undefined}
          onChange={(e) => set({ ...draft, severity: e.currentTarget.value as DossierDraft["severity"] })}
        >
          <option value="">{t("staff.dossier.choose")}</option>
          {(["critical", "high", "medium", "low"] as const).map((s) => (
            <option key={s} value={s}>
              {t(`staff.severity.${s}`)}
            </option>
          ))}
        </select>
        {fieldError("severity")}
      </div>
      <fieldset
        id="dossier-workaroundExists"
        aria-describedby={errors.get("workaroundExists") ? "dossier-workaroundExists-error" : undefined}
      >
        <legend>{t("staff.dossier.workaroundExists")}</legend>
        <div className="row">
          {(["yes", "no"] as const).map((v) => (
            <label key={v} className="check">
              <input
                type="radio"
                name="workaroundExists"
                checked={draft.workaroundExists === v}
                onChange={() => set({ ...draft, workaroundExists: v })}
              />
              {v === "yes" ? t("staff.yes") : t("staff.no")}
            </label>
          ))}
        </div>
        {fieldError("workaroundExists")}
      </fieldset>
      {input("workaround", "staff.dossier.workaround", "textarea")}
    </fieldset>
  );
}
