import { useState } from "react";
import { Link } from "wouter";
import { ActionResult, useAction } from "../../admin/forms";
import { api, unwrap } from "../../api/client";
import { useMe } from "../../app/session";
import { currentLang, t } from "../../i18n/i18n";
import { ErrorNote, Field } from "../../ui/ui";
import { useAsync } from "../../ui/useAsync";
import { ArticleLanguageField, useCreateArticle } from "./articleForm";
import { type Article, kindName, languageName, statusClass, statusName } from "./kb";

/** The article's family (generic text, translations, site variants) and the form to add a translation or variant. */
export function Family({ article }: { article: Article }) {
  const family = useAsync(
    () => unwrap(api.GET("/api/v1/kb/articles/{id}/family", { params: { path: { id: article.id } } })),
    [article.id, article.revision],
  );
  return (
    <section className="card stack" aria-labelledby="family-title">
      <h2 id="family-title">{t("admin.kb.family")}</h2>
      <p className="muted">{t("admin.kb.familyHint")}</p>
      <ErrorNote error={family.error} />
      <table className="table">
        <caption className="visually-hidden">{t("admin.kb.family")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("admin.kb.text")}</th>
            <th scope="col">{t("admin.kb.kindLabel")}</th>
            <th scope="col">{t("admin.kb.statusLabel")}</th>
          </tr>
        </thead>
        <tbody>
          {family.data?.items.map((a) => (
            <tr key={a.id}>
              <td>
                {a.id === article.id ? (
                  <span aria-current="page">{a.title}</span>
                ) : (
                  <Link href={`/articles/${a.id}`}>{a.title}</Link>
                )}
              </td>
              <td>
                {kindName(a)} <span className="muted">({languageName(a.language, currentLang())})</span>
              </td>
              <td>
                <span className={statusClass(a.status)}>{statusName(a.status)}</span>{" "}
                {a.outOfDate && <span className="badge warn">{t("admin.kb.outOfDate")}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <AddVersion familyId={article.familyId} source={article} />
    </section>
  );
}

/** Starts a translation or a site variant of the generic article, from a copy of its text. */
function AddVersion({ familyId, source }: { familyId: number; source: Article }) {
  const me = useMe();
  const createArticle = useCreateArticle();
  const [language, setLanguage] = useState("");
  const [site, setSite] = useState("");
  const action = useAction();
  const sites = me?.hubAdmin
    ? null
    : [
        ...new Set(
          me?.memberships.filter((m) => m.role === "agent" || m.role === "coordinator").map((m) => m.site),
        ),
      ];
  const allSites = useAsync(async () => (sites ? null : unwrap(api.GET("/api/v1/sites"))), [me?.hubAdmin]);
  const siteCodes = sites ?? allSites.data?.items.map((s) => s.code) ?? [];
  const create = () =>
    createArticle({
      collectionId: source.collectionId,
      parentId: familyId,
      language: language.trim(),
      title: source.title,
      body: source.body,
      audiences: source.audiences,
      versions: source.versions,
      product: source.product,
      ...(site ? { site } : {}),
    });
  return (
    <form className="stack" aria-labelledby="add-version" onSubmit={action.submit(create)}>
      <h3 id="add-version">{t("admin.kb.addVersion")}</h3>
      <div className="row">
        <ArticleLanguageField value={language} onChange={setLanguage} error={action.fieldError("language")} />
        <Field
          label={t("admin.kb.variantSite")}
          hint={t("admin.kb.variantSiteHint")}
          error={action.fieldError("site")}
        >
          {(p) => (
            <select {...p} value={site} onChange={(e) => setSite(e.currentTarget.value)}>
              <option value="">{t("admin.kb.allSites")}</option>
              {siteCodes.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <button type="submit" disabled={action.busy}>
        {t("admin.kb.addVersionButton")}
      </button>
      <ActionResult action={action} />
    </form>
  );
}
