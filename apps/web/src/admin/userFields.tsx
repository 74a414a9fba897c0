import { t } from "../i18n/i18n";
import { Field } from "../ui/ui";

/** The name and language of a user, as both the add form and the user's page edit them. */
export function NameLanguageFields<D extends { name: string; language: string }>({
  draft,
  onChange,
  fieldError,
}: {
  draft: D;
  onChange: (draft: D) => void;
  fieldError: (field: string) => string | undefined;
}) {
  return (
    <>
      <Field label={t("admin.users.name")} error={fieldError("name")}>
        {(p) => (
          <input
            {...p}
            required
            maxLength={200}
            value={draft.name}
            onChange={(e) => onChange({ ...draft, name: e.currentTarget.value })}
          />
        )}
      </Field>
      <Field
        label={t("admin.users.language")}
        hint={t("admin.users.languageHint")}
        error={fieldError("language")}
      >
        {(p) => (
          <input
            {...p}
            required
            maxLength={20}
            value={draft.language}
            onChange={(e) => onChange({ ...draft, language: e.currentTarget.value })}
          />
        )}
      </Field>
    </>
  );
}
