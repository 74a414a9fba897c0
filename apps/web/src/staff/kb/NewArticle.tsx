import { useState } from "react";
import { Link } from "wouter";
import { ActionResult, useAction } from "../../admin/forms";
import { api, unwrap } from "../../api/client";
import { currentLang, t } from "../../i18n/i18n";
import { ErrorNote, Field, PageTitle } from "../../ui/ui";
import { useAsync } from "../../ui/useAsync";
import { ArticleLanguageField, useCreateArticle } from "./articleForm";
import { AUDIENCES, type Audience, audienceName } from "./kb";
import { MarkdownEditor } from "./MarkdownEditor";

/** Writes a new generic article as a draft in a collection; translations and variants start from its page. */
export function NewArticle() {
  const createArticle = useCreateArticle();
  const collections = useAsync(() => unwrap(api.GET("/api/v1/kb/collections")), []);
  const [collectionId, setCollectionId] = useState("");
  const [title, setTitle] = useState("");
  const [language, setLanguage] = useState<string>(currentLang());
  const [body, setBody] = useState("");
  const [audiences, setAudiences] = useState<Audience[]>(["end_user"]);
  const action = useAction();
  const chosen = collectionId || String(collections.data?.items[0]?.id ?? "");
  const create = () =>
    createArticle({
      collectionId: Number(chosen),
      title: title.trim(),
      body,
      language: language.trim(),
      audiences,
    });
  return (
    <div className="stack">
      <PageTitle>{t("admin.kb.newTitle")}</PageTitle>
      <p>
        <Link href="/">{t("admin.kb.backToList")}</Link>
      </p>
      <ErrorNote error={collections.error} />
      <form className="stack" onSubmit={action.submit(create)}>
        <Field label={t("admin.kb.collection")} error={action.fieldError("collectionId")}>
          {(p) => (
            <select {...p} required value={chosen} onChange={(e) => setCollectionId(e.currentTarget.value)}>
              {collections.data?.items.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("admin.kb.titleLabel")} error={action.fieldError("title")}>
          {(p) => (
            <input
              {...p}
              required
              maxLength={300}
              value={title}
              onChange={(e) => setTitle(e.currentTarget.value)}
            />
          )}
        </Field>
        <ArticleLanguageField value={language} onChange={setLanguage} error={action.fieldError("language")} />
        <fieldset>
          <legend>{t("admin.kb.audiences")}</legend>
          {AUDIENCES.map((a) => (
            <div className="check" key={a}>
              <input
                id={`new-aud-${a}`}
                type="checkbox"
                checked={audiences.includes(a)}
                onChange={(e) =>
                  setAudiences(e.currentTarget.checked ? [...audiences, a] : audiences.filter((x) => x !== a))
                }
              />
              <label htmlFor={`new-aud-${a}`}>{audienceName(a)}</label>
            </div>
          ))}
        </fieldset>
        <MarkdownEditor
          label={t("admin.kb.body")}
          value={body}
          onChange={setBody}
          error={action.fieldError("body")}
        />
        <button type="submit" className="primary" disabled={action.busy}>
          {t("admin.kb.createDraft")}
        </button>
        <ActionResult action={action} />
      </form>
    </div>
  );
}
