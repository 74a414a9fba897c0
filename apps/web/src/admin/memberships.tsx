import { useState } from "react";
import { t } from "../i18n/i18n";
import { Field } from "../ui/ui";

/** The roles a person may hold at a site (the support model's, hub admin aside). */
export const SITE_ROLES = ["requester", "site_admin", "agent", "coordinator", "manager"] as const;
export type SiteRole = (typeof SITE_ROLES)[number];
export type Membership = { site: string; role: SiteRole };

/** A role's name in the interface language. */
export function roleName(role: string): string {
  switch (role) {
    case "requester":
      return t("admin.roles.requester");
    case "site_admin":
      return t("admin.roles.site_admin");
    case "agent":
      return t("admin.roles.agent");
    case "coordinator":
      return t("admin.roles.coordinator");
    case "manager":
      return t("admin.roles.manager");
    default:
      return role;
  }
}

/** The list of a user's site memberships, each removable, with a site and role picker to add one. */
export function MembershipsEditor({
  sites,
  value,
  onChange,
  fieldError,
}: {
  sites: string[];
  value: Membership[];
  onChange: (m: Membership[]) => void;
  fieldError: (f: string) => string | undefined;
}) {
  const [site, setSite] = useState("");
  const [role, setRole] = useState<SiteRole>("agent");
  const chosen = site || sites[0] || "";
  const exists = value.some((m) => m.site === chosen && m.role === role);
  const error = fieldError("memberships");
  return (
    <fieldset className="stack">
      <legend>{t("admin.users.memberships")}</legend>
      {error && <p className="field-error">{error}</p>}
      {value.length === 0 ? (
        <p className="muted">{t("admin.users.noSites")}</p>
      ) : (
        <ul className="list">
          {value.map((m) => (
            <li key={`${m.site}/${m.role}`} className="row">
              <span>
                {m.site} · {roleName(m.role)}
              </span>
              <button
                type="button"
                onClick={() => onChange(value.filter((x) => !(x.site === m.site && x.role === m.role)))}
              >
                {t("admin.users.removeMembership", { site: m.site, role: roleName(m.role) })}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <Field label={t("admin.users.site")}>
          {(p) => (
            <select {...p} value={chosen} onChange={(e) => setSite(e.currentTarget.value)}>
              {sites.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("admin.users.role")}>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.currentTarget.value as SiteRole)}>
              {SITE_ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleName(r)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button
          type="button"
          disabled={!chosen || exists}
          onClick={() => onChange([...value, { site: chosen, role }])}
        >
          {t("admin.users.addMembership")}
        </button>
      </div>
    </fieldset>
  );
}
