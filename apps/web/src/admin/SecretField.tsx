import { t } from "../i18n/i18n";
import { Field } from "../ui/ui";

/**
 * A write-only secret: says whether one is stored ("set" / "not set") and offers a field to replace it. The
 * stored value is never shown; leaving the field empty keeps it.
 */
export function SecretField({
  label,
  isSet,
  value,
  onChange,
  error,
}: {
  label: string;
  isSet: boolean;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
}) {
  return (
    <Field
      label={isSet ? t("admin.secret.replace", { label }) : label}
      hint={isSet ? t("admin.secret.isSet") : t("admin.secret.notSet")}
      error={error}
    >
      {(p) => (
        <input
          {...p}
          type="password"
          autoComplete="new-password"
          maxLength={1000}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}
