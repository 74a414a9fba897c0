import type { DossierInput, DossierView } from "./escalation.schemas.js";

/** A stored dossier version: the fields given so far, never null. */
export type DossierData = { [K in keyof DossierInput]?: NonNullable<DossierInput[K]> };
export type MissingField = { field: string; message: string };

/** Every field the support model requires before Level 3, with what to write in it. */
const REQUIRED: Array<[keyof DossierData, string]> = [
  ["module", "name the module or component"],
  ["summary", "give a one-line summary title"],
  ["description", "describe the problem in detail"],
  ["stepsToReproduce", "list the steps to reproduce"],
  ["productVersion", "give the product version"],
  ["applicationUrl", "give the URL of the application"],
  ["impactedUsers", "say which users are impacted"],
  ["impactedRoles", "list the impacted roles"],
  ["browserAndDevice", "give the browser and device"],
  ["evidence", "attach at least one screenshot or log, or give evidence.noEvidenceReason"],
  ["severity", "choose a severity"],
  ["workaroundExists", "say whether a workaround exists"],
];

/** Lays a partial dossier over a stored one: undefined keeps a field, null clears it. */
export function mergeDossier(base: DossierData, patch: DossierInput | undefined): DossierData {
  const out: Record<string, unknown> = { ...base };
  for (const [field, value] of Object.entries(patch ?? {})) {
    if (value === null) delete out[field];
    else if (value !== undefined) out[field] = value;
  }
  return out as DossierData;
}

const hasEvidence = (d: DossierData) =>
  (d.evidence?.attachmentIds.length ?? 0) > 0 || Boolean(d.evidence?.noEvidenceReason);

/** The required fields still missing, named as in the escalation body (`dossier.stepsToReproduce`). */
export function missingFields(d: DossierData): MissingField[] {
  return REQUIRED.filter(([field]) =>
    field === "evidence" ? !hasEvidence(d) : d[field] === undefined || d[field] === null,
  ).map(([field, message]) => ({ field: `dossier.${field}`, message }));
}

export const sameDossier = (a: DossierData, b: DossierData): boolean =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * One-line text inside Markdown: special characters escaped, line breaks flattened (each run of
 * white space is matched whole, so a long run of spaces is not scanned again from each of its places).
 */
const inline = (s: string | null | undefined): string =>
  s
    ? s.replace(/\s+/g, (ws) => (ws.includes("\n") ? " " : ws)).replace(/([\\`*_{}[\]()<>#|!~])/g, "\\$1")
    : "_(missing)_";
const block = (s: string | null | undefined): string => (s ? s.trim() : "_(missing)_");
const yesNo = (b: boolean | null) => (b === null ? "_(missing)_" : b ? "yes" : "no");
const kib = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`;

/** The dossier as Markdown for a vendor tracker: a title, a facts list, then a section per field. */
export function renderMarkdown(v: DossierView): string {
  const lines: string[] = [
    `# ${inline(v.title)}`,
    "",
    `- **Ticket:** [${v.ticket.key}](${v.ticket.url}), ${inline(v.ticket.category)}, priority ${inline(v.ticket.priority)}`,
    `- **Site:** ${inline(v.site.name)} (${inline(v.site.code)}), ${inline(v.site.country)}`,
    `- **Product:** ${inline(v.product.name)} ${inline(v.product.version)}`,
    `- **Module:** ${inline(v.product.module)}`,
    `- **Severity:** ${inline(v.severity)}`,
    `- **Workaround exists:** ${yesNo(v.workaroundExists)}`,
    `- **Application URL:** ${v.applicationUrl ? `<${v.applicationUrl.replace(/[<>\s]/g, encodeURIComponent)}>` : "_(missing)_"}`,
    `- **Browser and device:** ${inline(v.browserAndDevice)}`,
    `- **Dossier version:** ${v.version} of ${v.createdAt}`,
    "",
    "## Summary",
    "",
    block(v.summary),
    "",
    "## Description",
    "",
    block(v.description),
    "",
    "## Steps to reproduce",
    "",
    ...(v.stepsToReproduce.length
      ? v.stepsToReproduce.map((s, i) => `${i + 1}. ${inline(s)}`)
      : ["_(missing)_"]),
    "",
    "## Impacted users and roles",
    "",
    block(v.impactedUsers),
    "",
    ...(v.impactedRoles.length ? v.impactedRoles.map((r) => `- ${inline(r)}`) : ["- _(no roles given)_"]),
    "",
    "## Evidence",
    "",
    ...(v.evidence.attachments.length
      ? v.evidence.attachments.map(
          (a) => `- [${inline(a.filename)}](${a.url}) (${a.contentType}, ${kib(a.size)})`,
        )
      : []),
    ...(v.evidence.noEvidenceReason ? [`No screenshot or log: ${inline(v.evidence.noEvidenceReason)}`] : []),
    ...(!v.evidence.attachments.length && !v.evidence.noEvidenceReason ? ["_(missing)_"] : []),
  ];
  if (v.workaround) lines.push("", "## Workaround", "", block(v.workaround));
  if (v.missing.length) lines.push("", "## Still missing", "", ...v.missing.map((f) => `- ${f}`));
  return `${lines.join("\n")}\n`;
}
