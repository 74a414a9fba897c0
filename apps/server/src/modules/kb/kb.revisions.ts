import { type Change, createTwoFilesPatch, diffLines } from "diff";
import type { Db } from "../../db/database.js";
import type { Actor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso } from "../../shared/clock.js";
import { invalid, notFound } from "../../shared/errors.js";
import type { Rendered } from "./kb.markdown.js";
import type { ArticleRow, KbRepository } from "./kb.repository.js";
import type { ArticleStatus } from "./kb.schemas.js";

/** Comparing two revisions gives up after this long. */
const DIFF_TIME_LIMIT_MS = 2_000;

/** The columns an edit may change. */
export type ArticleChange = Partial<
  Pick<
    ArticleRow,
    | "title"
    | "body_md"
    | "audiences"
    | "product"
    | "versions"
    | "status"
    | "collection_id"
    | "position"
    | "overrides"
  >
> & { source_hash?: string | null };

/** Article writes that keep a revision each, and reading revisions back (no permission checks here). */
export function createRevisions({ repo, clock }: { repo: KbRepository; clock: Clock }) {
  /**
   * Writes an edit and its revision; a changed generic text flags its translations and variants.
   * `rendered` is the new body rendered before the transaction (kb.render.ts), null when the body stays.
   */
  async function applyChange(
    tx: Db,
    before: ArticleRow,
    change: ArticleChange,
    actor: Actor,
    note: string | null,
    rendered: Rendered | null,
  ): Promise<void> {
    const now = clock.now();
    const after = { ...before, ...change };
    const textChanged = after.title !== before.title || after.body_md !== before.body_md;
    if (after.body_md !== before.body_md && !rendered) throw new Error("a changed body must come rendered");
    const revision = before.revision + 1;
    let basedOn = before.based_on_revision;
    let outOfDate = before.out_of_date;
    if (before.parent_id !== null && textChanged) {
      basedOn = (await repo.article(before.parent_id, tx))?.revision ?? basedOn;
      outOfDate = 0;
    }
    await repo.updateArticle(tx, before.id, {
      ...change,
      ...(rendered ? { body_html: rendered.html, sections: JSON.stringify(rendered.sections) } : {}),
      revision,
      based_on_revision: basedOn,
      out_of_date: outOfDate,
      updated_by: actor.userId || null,
      updated_at: now,
      published_at: after.status === "published" ? (before.published_at ?? now) : before.published_at,
    });
    await repo.insertRevision(tx, {
      article_id: before.id,
      number: revision,
      title: after.title,
      body_md: after.body_md,
      status: after.status,
      note,
      author_id: actor.userId || null,
      author_name: actor.name,
      created_at: now,
    });
    if (before.parent_id === null && textChanged) await repo.flagChildren(tx, before.id, now);
  }

  /** Inserts a new article with its first revision; `rendered` is its body rendered before the transaction. */
  async function insertArticle(
    tx: Db,
    actor: Actor,
    row: Omit<
      ArticleRow,
      | "id"
      | "body_html"
      | "sections"
      | "revision"
      | "created_at"
      | "updated_at"
      | "published_at"
      | "created_by"
      | "updated_by"
      | "out_of_date"
    >,
    rendered: Rendered,
  ): Promise<ArticleRow> {
    const now = clock.now();
    const inserted = await repo.insertArticle(tx, {
      ...row,
      body_html: rendered.html,
      sections: JSON.stringify(rendered.sections),
      revision: 1,
      out_of_date: 0,
      created_by: actor.userId || null,
      updated_by: actor.userId || null,
      created_at: now,
      updated_at: now,
      published_at: row.status === "published" ? now : null,
    });
    await repo.insertRevision(tx, {
      article_id: inserted.id,
      number: 1,
      title: row.title,
      body_md: row.body_md,
      status: row.status,
      note: null,
      author_id: actor.userId || null,
      author_name: actor.name,
      created_at: now,
    });
    return inserted;
  }

  return {
    applyChange,
    insertArticle,

    async list(id: number) {
      return (await repo.revisions(id)).map((r) => ({
        number: r.number,
        title: r.title,
        status: r.status as ArticleStatus,
        note: r.note,
        authorId: r.author_id,
        authorName: r.author_name,
        createdAt: toIso(r.created_at),
      }));
    },

    async one(id: number, number: number) {
      const r = await repo.revision(id, number);
      if (!r) throw notFound("kb.revision_not_found", "No such revision");
      return {
        number: r.number,
        title: r.title,
        status: r.status as ArticleStatus,
        note: r.note,
        authorId: r.author_id,
        authorName: r.author_name,
        createdAt: toIso(r.created_at),
        body: r.body_md,
      };
    },

    /**
     * What changed between two revisions: a unified diff and the line changes. Two long texts that
     * differ everywhere cost the product of their lengths to compare, so the comparison runs in steps
     * that let other requests through, and gives up (422) after DIFF_TIME_LIMIT_MS.
     */
    async diff(id: number, from: number, to: number) {
      const [a, b] = await Promise.all([repo.revision(id, from), repo.revision(id, to)]);
      if (!a || !b) throw notFound("kb.revision_not_found", "No such revision");
      const textOf = (r: { title: string; body_md: string }) => `# ${r.title}\n\n${r.body_md}\n`;
      const [before, after] = [textOf(a), textOf(b)];
      const timeout = DIFF_TIME_LIMIT_MS;
      const [patch, changes] = await Promise.all([
        new Promise<string | undefined>((callback) =>
          createTwoFilesPatch(`revision ${from}`, `revision ${to}`, before, after, undefined, undefined, {
            timeout,
            callback,
          }),
        ),
        new Promise<Change[] | undefined>((callback) => diffLines(before, after, { timeout, callback })),
      ]);
      if (patch === undefined || changes === undefined)
        throw invalid(
          "kb.diff_too_large",
          "These revisions differ too much to compare; compare closer ones",
          [{ field: "from", message: `revision ${from} and revision ${to} differ too much` }],
        );
      return {
        from,
        to,
        patch,
        changes: changes.map((c) => ({
          kind: c.added ? ("added" as const) : c.removed ? ("removed" as const) : ("same" as const),
          text: c.value,
        })),
      };
    },
  };
}
