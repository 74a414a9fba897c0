import { useEffect, useState } from "react";
import { Link } from "wouter";
import { ActionResult, splitList, useAction } from "../../admin/forms";
import { ApiError, api, unwrap } from "../../api/client";
import { formatDateTime } from "../../i18n/format";
import { t, useLang } from "../../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../../ui/ui";
import { useAsync } from "../../ui/useAsync";
import { Family } from "./Family";
import {
  type Article,
  AUDIENCES,
  type Audience,
  audienceName,
  kindName,
  loadArticle,
  type Status,
  statusClass,
  statusName,
} from "./kb";
import { MarkdownEditor, ServerHtml } from "./MarkdownEditor";

type Draft = {
  title: string;
  body: string;
  collectionId: number;
  audiences: Audience[];
  product: string;
  versions: string;
  note: string;
};
const draftOf = (a: Article): Draft => ({
  title: a.title,
  body: a.body,
  collectionId: a.collectionId,
  audiences: a.audiences,
  product: a.product ?? "",
  versions: a.versions.join(", "),
  note: "",
});

/** Edits one article; a translation or site variant is edited beside the generic text it follows. */
export function ArticleEditor({ params }: { params: { id: string } }) {
  useLang();
  const id = Number(params.id);
  const loaded = useAsync(() => loadArticle(id), [id]);
  const collections = useAsync(() => unwrap(api.GET("/api/v1/kb/collections")), []);
  const [article, setArticle] = useState<Article | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const action = useAction();
  useEffect(() => {
    if (loaded.data) {
      setArticle(loaded.data);
      setDraft(draftOf(loaded.data));
    }
  }, [loaded.data]);

  const dirty =
    !!article && !!draft && JSON.stringify(draftOf(article)) !== JSON.stringify({ ...draft, note: "" });
  // closing or reloading the tab with unsaved text asks first
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!article || !draft) return <Loading />;

  const conflict = action.error instanceof ApiError && action.error.code === "kb.revision_conflict";

  const patch = async (change: { status?: Status }) => {
    const saved = await unwrap(
      api.PATCH("/api/v1/kb/articles/{id}", {
        params: { path: { id } },
        body: {
          title: draft.title.trim(),
          body: draft.body,
          collectionId: draft.collectionId,
          audiences: draft.audiences,
          product: draft.product.trim() || null,
          versions: splitList(draft.versions),
          ...change,
          ...(draft.note.trim() ? { note: draft.note.trim() } : {}),
          baseRevision: article.revision,
        },
      }),
    );
    setArticle(saved);
    setDraft(draftOf(saved));
  };
  const move = (status: Status, message: () => string) => () =>
    void action.run(() => patch({ status }), message);

  return (
    <div className="stack">
      <PageTitle>{t("admin.kb.editTitle", { title: article.title })}</PageTitle>
      <div className="row">
        <span className={statusClass(article.status)}>{statusName(article.status)}</span>
        <span className="muted">
          {kindName(article)} ·{" "}
          {t("admin.kb.revisionAt", { number: article.revision, date: formatDateTime(article.updatedAt) })}
        </span>
        <Link href={`/articles/${id}/history`}>{t("admin.kb.history")}</Link>
        {article.status === "published" && (
          <Link href={`~/kb/articles/${id}`}>{t("admin.kb.viewAsReader")}</Link>
        )}
      </div>
      {article.outOfDate && <p className="notice">{t("admin.kb.outOfDateNote")}</p>}

      <div className={article.parentId !== null ? "side-by-side" : undefined}>
        {article.parentId !== null && <Source parentId={article.parentId} />}
        <form
          className="stack"
          onSubmit={action.submit(
            () => patch({}),
            () => t("admin.kb.savedRevision"),
          )}
        >
          <Field label={t("admin.kb.titleLabel")} error={action.fieldError("title")}>
            {(p) => (
              <input
                {...p}
                required
                maxLength={300}
                lang={article.language}
                value={draft.title}
                onChange={(e) => setDraft({ ...draft, title: e.currentTarget.value })}
              />
            )}
          </Field>
          <MarkdownEditor
            label={t("admin.kb.body")}
            lang={article.language}
            value={draft.body}
            onChange={(body) => setDraft({ ...draft, body })}
            error={action.fieldError("body")}
          />
          <details>
            <summary>{t("admin.kb.detailsWithCollection")}</summary>
            <div className="stack">
              <Field label={t("admin.kb.collection")} error={action.fieldError("collectionId")}>
                {(p) => (
                  <select
                    {...p}
                    value={draft.collectionId}
                    onChange={(e) => setDraft({ ...draft, collectionId: Number(e.currentTarget.value) })}
                  >
                    {collections.data?.items.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <fieldset>
                <legend>{t("admin.kb.audiences")}</legend>
                {AUDIENCES.map((a) => (
                  <div className="check" key={a}>
                    <input
                      id={`aud-${a}`}
                      type="checkbox"
                      checked={draft.audiences.includes(a)}
                      onChange={(e) =>
                        setDraft({
                          ...draft,
                          audiences: e.currentTarget.checked
                            ? [...draft.audiences, a]
                            : draft.audiences.filter((x) => x !== a),
                        })
                      }
                    />
                    <label htmlFor={`aud-${a}`}>{audienceName(a)}</label>
                  </div>
                ))}
              </fieldset>
              <Field label={t("admin.kb.product")} error={action.fieldError("product")}>
                {(p) => (
                  <input
                    {...p}
                    maxLength={100}
                    value={draft.product}
                    onChange={(e) => setDraft({ ...draft, product: e.currentTarget.value })}
                  />
                )}
              </Field>
              <Field
                label={t("admin.kb.versions")}
                hint={t("admin.kb.versionsHint")}
                error={action.fieldError("versions")}
              >
                {(p) => (
                  <input
                    {...p}
                    value={draft.versions}
                    onChange={(e) => setDraft({ ...draft, versions: e.currentTarget.value })}
                  />
                )}
              </Field>
            </div>
          </details>
          <Field label={t("admin.kb.note")} hint={t("admin.kb.noteHint")} error={action.fieldError("note")}>
            {(p) => (
              <input
                {...p}
                maxLength={500}
                value={draft.note}
                onChange={(e) => setDraft({ ...draft, note: e.currentTarget.value })}
              />
            )}
          </Field>
          <div className="row">
            <button type="submit" className="primary" disabled={action.busy || !dirty}>
              {t("admin.kb.save")}
            </button>
            <Workflow status={article.status} busy={action.busy} move={move} />
          </div>
          <ActionResult action={action} />
          {conflict && (
            <p>
              <button type="button" onClick={loaded.reload}>
                {t("admin.kb.reload")}
              </button>
            </p>
          )}
        </form>
      </div>
      <Family article={article} />
    </div>
  );
}

/**
 * The publishing steps: a draft goes to review, a reviewed text is published (or sent back), a published
 * one can be archived or taken back to draft, an archived one restored as a draft. Each step saves the text too.
 */
function Workflow({
  status,
  busy,
  move,
}: {
  status: Status;
  busy: boolean;
  move: (s: Status, message: () => string) => () => void;
}) {
  const steps: { to: Status; label: string; done: () => string }[] =
    status === "draft"
      ? [
          { to: "in_review", label: t("admin.kb.toReview"), done: () => t("admin.kb.sentToReview") },
          { to: "published", label: t("admin.kb.publish"), done: () => t("admin.kb.published") },
        ]
      : status === "in_review"
        ? [
            { to: "published", label: t("admin.kb.publish"), done: () => t("admin.kb.published") },
            { to: "draft", label: t("admin.kb.backToDraft"), done: () => t("admin.kb.movedToDraft") },
          ]
        : status === "published"
          ? [
              { to: "draft", label: t("admin.kb.unpublish"), done: () => t("admin.kb.movedToDraft") },
              { to: "archived", label: t("admin.kb.archive"), done: () => t("admin.kb.archived") },
            ]
          : [{ to: "draft", label: t("admin.kb.restoreDraft"), done: () => t("admin.kb.movedToDraft") }];
  return (
    <>
      {steps.map((s) => (
        <button key={s.to} type="button" disabled={busy} onClick={move(s.to, s.done)}>
          {s.label}
        </button>
      ))}
    </>
  );
}

/** The generic article a translation or variant follows, shown read-only beside the editor. */
function Source({ parentId }: { parentId: number }) {
  const parent = useAsync(() => loadArticle(parentId), [parentId]);
  const [raw, setRaw] = useState(false);
  return (
    <section className="card stack source" aria-labelledby="source-title">
      <h2 id="source-title">{t("admin.kb.source")}</h2>
      <ErrorNote error={parent.error} />
      {!parent.data && !parent.error && <Loading />}
      {parent.data && (
        <>
          <p className="muted">
            <Link href={`/articles/${parentId}`}>{parent.data.title}</Link> ·{" "}
            {t("admin.kb.revisionAt", {
              number: parent.data.revision,
              date: formatDateTime(parent.data.updatedAt),
            })}
          </p>
          <button type="button" aria-pressed={raw} onClick={() => setRaw(!raw)}>
            {t("admin.kb.showMarkdown")}
          </button>
          {raw ? (
            <pre className="wrap" lang={parent.data.language}>
              {parent.data.body}
            </pre>
          ) : (
            <ServerHtml html={parent.data.html} lang={parent.data.language} />
          )}
        </>
      )}
    </section>
  );
}
