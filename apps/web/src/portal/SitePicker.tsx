import { t } from "../i18n/i18n";
import { Field } from "../ui/ui";

/** Lets a requester who belongs to several sites say which one their question is about. */
export function SitePicker({
  site,
  sites,
  choose,
}: {
  site: string | null;
  sites: string[];
  choose: (code: string) => void;
}) {
  return (
    <Field label={t("common.site")}>
      {(p) => (
        <select {...p} value={site ?? ""} onChange={(e) => choose(e.currentTarget.value)}>
          {sites.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
