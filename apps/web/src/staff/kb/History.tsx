import { useEffect, useState } from "react";
import { Link } from "wouter";
import { ActionResult, useAction } from "../../admin/forms";
import { api, unwrap } from "../../api/client";
import { formatDateTime } from "../../i18n/format";
import { t, useLang } from "../../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../../ui/ui";
import { useAsync } from "../../ui/useAsync";
import { loadArticle, statusClass, statusName } from "./kb";

/** An article's revisions, newest first: who changed what and why, any two compared, an old one restorable. */
export function History({ params }: { params: { id: string } }) {
  useLang();
  const id = Number(params.id);
  const loaded = useAsync(
    () =>
      Promise.all([
        loadArticle(id),
        unwrap(api.GET("/api/v1/kb/articles/{id}/revisions", { params: { path: { id } } })),
      ]),
    [id],
  );
  const [from, setFrom] = useState(0);
  const [to, setTo] = useState(0);
  const restore = useAction();
  useEffect(() => {
    const revs = loaded.data?.[1].items;
    if (revs?.length) {
      setTo(revs[0]?.number ?? 0);
      setFrom(revs[1]?.number ?? revs[0]?.number ?? 0);
    }
  }, [loaded.data]);
  const diff = useAsync(
    async () =>
      from && to && from !== to
        ? unwrap(api.GET("/api/v1/kb/articles/{id}/diff", { params: { path: { id }, query: { from, to } } }))
        : null,
    [id, from, to],
  );

  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const [article, { items }] = loaded.data;

  const restoreRevision = (number: number) =>
    restore.run(
      async () => {
        const old = await unwrap(
          api.GET("/api/v1/kb/articles/{id}/revisions/{number}", { params: { path: { id, number } } }),
        );
        await unwrap(
          api.PATCH("/api/v1/kb/articles/{id}", {
            params: { path: { id } },
            body: {
              title: old.title,
              body: old.body,
              note: t("admin.kb.restoredNote", { number }),
              baseRevision: article.revision,
            },
          }),
        );
        loaded.reload();
      },
      () => t("admin.kb.restored", { number }),
    );

  const pick = (set: (n: number) => void) => (e: { currentTarget: { value: string } }) =>
    set(Number(e.currentTarget.value));
  return (
    <div className="stack">
      <PageTitle>{t("admin.kb.historyTitle", { title: article.title })}</PageTitle>
      <p>
        <Link href={`/articles/${id}`}>{t("admin.kb.backToEditor")}</Link>
      </p>
      <ActionResult action={restore} />
      <section aria-labelledby="compare" className="card stack">
        <h2 id="compare">{t("admin.kb.compare")}</h2>
        <div className="row">
          <Field label={t("admin.kb.from")}>
            {(p) => (
              <select {...p} value={from} onChange={pick(setFrom)}>
                {items.map((r) => (
                  <option key={r.number} value={r.number}>
                    {t("admin.kb.revisionN", { number: r.number })}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t("admin.kb.to")}>
            {(p) => (
              <select {...p} value={to} onChange={pick(setTo)}>
                {items.map((r) => (
                  <option key={r.number} value={r.number}>
                    {t("admin.kb.revisionN", { number: r.number })}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <ErrorNote error={diff.error} />
        {from === to && <p className="muted">{t("admin.kb.sameRevision")}</p>}
        {diff.data && <Diff changes={diff.data.changes} />}
      </section>
      <ol className="list" reversed>
        {items.map((r) => (
          <li key={r.number} className="stack">
            <div className="row">
              <strong>{t("admin.kb.revisionN", { number: r.number })}</strong>
              <span className={statusClass(r.status)}>{statusName(r.status)}</span>
              <span className="muted">
                {t("admin.kb.by", { name: r.authorName, date: formatDateTime(r.createdAt) })}
              </span>
            </div>
            {r.note && <p>{r.note}</p>}
            {r.number !== article.revision && (
              <div>
                <button type="button" disabled={restore.busy} onClick={() => void restoreRevision(r.number)}>
                  {t("admin.kb.restoreRevision", { number: r.number })}
                </button>
              </div>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Line changes between two revisions: added lines marked as insertions, removed ones as deletions. */
function Diff({ changes }: { changes: { kind: "added" | "removed" | "same"; text: string }[] }) {
  if (changes.every((c) => c.kind === "same")) return <p className="muted">{t("admin.kb.noChanges")}</p>;
  return (
    <section className="diff" aria-label={t("admin.kb.changes")}>
      {changes.map((c, i) =>
        c.kind === "added" ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the diff is fixed once computed
          <ins key={i}>
            <span className="visually-hidden">{t("admin.kb.added")} </span>
            {c.text}
          </ins>
        ) : c.kind === "removed" ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the diff is fixed once computed
          <del key={i}>
            <span className="visually-hidden">{t("admin.kb.removed")} </span>
            {c.text}
          </del>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the diff is fixed once computed
          <span key={i}>{c.text}</span>
        ),
      )}
    </section>
  );
}
