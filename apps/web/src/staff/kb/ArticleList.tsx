import { useState } from "react";
import { Link } from "wouter";
import { api, unwrap } from "../../api/client";
import { formatDateTime } from "../../i18n/format";
import { t, useLang } from "../../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../../ui/ui";
import { useAsync } from "../../ui/useAsync";
import { type ArticleSummary, kindName, STATUSES, type Status, statusClass, statusName } from "./kb";

/** Every article an editor may work on, by collection, status and language, with what needs attention. */
export function ArticleList() {
  useLang();
  const [status, setStatus] = useState<Status | "">("");
  const [collection, setCollection] = useState("");
  const [language, setLanguage] = useState("");
  const collections = useAsync(() => unwrap(api.GET("/api/v1/kb/collections")), []);
  const articles = useAsync(
    () =>
      unwrap(
        api.GET("/api/v1/kb/articles", {
          params: {
            query: {
              limit: 500,
              ...(status ? { status } : {}),
              ...(collection ? { collection } : {}),
              ...(language.trim() ? { language: language.trim() } : {}),
            },
          },
        }),
      ),
    [status, collection, language],
  );
  const items = articles.data?.items ?? [];
  const byId = new Map(items.map((a) => [a.id, a]));
  return (
    <div className="stack">
      <PageTitle>{t("admin.kb.title")}</PageTitle>
      <p className="row">
        <Link href="/new" className="button primary">
          {t("admin.kb.new")}
        </Link>
      </p>
      <search className="card row" aria-label={t("admin.kb.filter")}>
        <Field label={t("admin.kb.collection")}>
          {(p) => (
            <select {...p} value={collection} onChange={(e) => setCollection(e.currentTarget.value)}>
              <option value="">{t("admin.kb.allCollections")}</option>
              {collections.data?.items.map((c) => (
                <option key={c.id} value={c.slug}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("admin.kb.statusLabel")}>
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.currentTarget.value as Status | "")}>
              <option value="">{t("admin.kb.allStatuses")}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {statusName(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("admin.kb.language")} hint={t("admin.kb.languageHint")}>
          {(p) => (
            <input
              {...p}
              maxLength={10}
              value={language}
              onChange={(e) => setLanguage(e.currentTarget.value)}
            />
          )}
        </Field>
      </search>
      <ErrorNote error={articles.error} />
      {articles.loading && !articles.data && <Loading />}
      {articles.data && (
        <p className="muted" role="status">
          {t("admin.kb.count", { count: items.length })}
        </p>
      )}
      <ul className="list">
        {items.map((a) => (
          <ArticleRow key={a.id} a={a} parent={a.parentId ? byId.get(a.parentId) : undefined} />
        ))}
      </ul>
    </div>
  );
}

function ArticleRow({ a, parent }: { a: ArticleSummary; parent: ArticleSummary | undefined }) {
  return (
    <li>
      <div className="row">
        <Link href={`/articles/${a.id}`}>{a.title}</Link>
        <span className={statusClass(a.status)}>{statusName(a.status)}</span>
        {a.outOfDate && <span className="badge warn">{t("admin.kb.outOfDate")}</span>}
      </div>
      <p className="muted">
        {kindName(a)}
        {parent && ` · ${t("admin.kb.of", { title: parent.title })}`} ·{" "}
        {t("admin.kb.revisionAt", { number: a.revision, date: formatDateTime(a.updatedAt) })}
      </p>
    </li>
  );
}
