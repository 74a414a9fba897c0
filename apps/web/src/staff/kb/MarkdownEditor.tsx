import { useId, useState } from "react";
import { api, unwrap } from "../../api/client";
import { t } from "../../i18n/i18n";
import { ErrorNote, Loading } from "../../ui/ui";
import { useAsync, useDebounced } from "../../ui/useAsync";

/**
 * A Markdown text area with a live preview beside it (below it on a phone). The preview is rendered and
 * sanitised by the server, exactly as readers will see the article; the browser never renders the text itself.
 */
export function MarkdownEditor({
  label,
  value,
  onChange,
  error,
  lang,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  lang?: string;
}) {
  const id = useId();
  const [showPreview, setShowPreview] = useState(true);
  const settled = useDebounced(value, 400);
  const preview = useAsync(
    async () => (showPreview ? unwrap(api.POST("/api/v1/kb/preview", { body: { body: settled } })) : null),
    [settled, showPreview],
  );
  const described = [`${id}-hint`, error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className="stack">
      <div className="row spread">
        <label htmlFor={id}>{label}</label>
        <button type="button" aria-pressed={showPreview} onClick={() => setShowPreview(!showPreview)}>
          {t("admin.kb.showPreview")}
        </button>
      </div>
      <p className="hint" id={`${id}-hint`}>
        {t("admin.kb.markdownHint")}
      </p>
      <div className={showPreview ? "editor-grid" : undefined}>
        <textarea
          id={id}
          className="markdown"
          lang={lang}
          rows={20}
          spellCheck
          value={value}
          aria-describedby={described}
          {...(error ? { "aria-invalid": true } : {})}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
        {showPreview && (
          <section className="card preview" aria-label={t("admin.kb.preview")} lang={lang}>
            <h2 className="visually-hidden">{t("admin.kb.preview")}</h2>
            <ErrorNote error={preview.error} />
            {preview.data ? <ServerHtml html={preview.data.html} /> : !preview.error && <Loading />}
          </section>
        )}
      </div>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Article HTML from the server, which rendered it with markdown-it and sanitised it with sanitize-html. */
export function ServerHtml({ html, lang }: { html: string; lang?: string }) {
  // biome-ignore lint/security/noDangerouslySetInnerHtml: only ever given HTML the server has sanitised
  return <div className="prose" lang={lang} dangerouslySetInnerHTML={{ __html: html }} />;
}
