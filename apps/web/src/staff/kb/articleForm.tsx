import { useLocation } from "wouter";
import { api, unwrap } from "../../api/client";
import type { Body } from "../../api/types";
import { t } from "../../i18n/i18n";
import { Field } from "../../ui/ui";

/** The language of a new article (a BCP 47 tag), as the new-article and add-translation forms ask it. */
export function ArticleLanguageField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (language: string) => void;
  error: string | undefined;
}) {
  return (
    <Field label={t("admin.kb.language")} hint={t("admin.kb.languageHint")} error={error}>
      {(p) => (
        <input
          {...p}
          required
          maxLength={10}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

/** Creates an article as a draft and opens its page in the editor. */
export function useCreateArticle(): (body: Body<"/api/v1/kb/articles", "post">) => Promise<void> {
  const [, navigate] = useLocation();
  return async (body) => {
    const created = await unwrap(api.POST("/api/v1/kb/articles", { body }));
    navigate(`/articles/${created.id}`);
  };
}
