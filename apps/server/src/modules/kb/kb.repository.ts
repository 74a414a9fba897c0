import { type Insertable, type Selectable, sql, type Updateable } from "kysely";
import { type Db, isPostgres } from "../../db/database.js";
import type {
  KbArticlesTable,
  KbCollectionsTable,
  KbRevisionsTable,
  KbSearchesTable,
} from "../../db/schema.js";

export type CollectionRow = Selectable<KbCollectionsTable>;
export type ArticleRow = Selectable<KbArticlesTable>;
export type RevisionRow = Selectable<KbRevisionsTable>;
/** What search and variant resolution need of every article, without bodies. */
export type ArticleMeta = Pick<
  ArticleRow,
  | "id"
  | "parent_id"
  | "site_id"
  | "language"
  | "status"
  | "collection_id"
  | "audiences"
  | "product"
  | "versions"
  | "title"
  | "sections"
  | "overrides"
  | "source_key"
  | "updated_at"
>;
const META_COLUMNS = [
  "id",
  "parent_id",
  "site_id",
  "language",
  "status",
  "collection_id",
  "audiences",
  "product",
  "versions",
  "title",
  "sections",
  "overrides",
  "source_key",
  "updated_at",
] as const;

/** SQL for the knowledge base. */
export function createKbRepository(db: Db) {
  return {
    collections: (): Promise<CollectionRow[]> =>
      db.selectFrom("kb_collections").selectAll().orderBy("position").orderBy("name").execute(),
    collection: (id: number, exec: Db = db): Promise<CollectionRow | undefined> =>
      exec.selectFrom("kb_collections").selectAll().where("id", "=", id).executeTakeFirst(),
    collectionBySlug: (slug: string, exec: Db = db): Promise<CollectionRow | undefined> =>
      exec.selectFrom("kb_collections").selectAll().where("slug", "=", slug).executeTakeFirst(),
    insertCollection: (row: Insertable<KbCollectionsTable>, exec: Db = db): Promise<CollectionRow> =>
      exec.insertInto("kb_collections").values(row).returningAll().executeTakeFirstOrThrow(),
    async updateCollection(id: number, set: Updateable<KbCollectionsTable>): Promise<void> {
      await db.updateTable("kb_collections").set(set).where("id", "=", id).execute();
    },

    article: (id: number, exec: Db = db): Promise<ArticleRow | undefined> =>
      exec.selectFrom("kb_articles").selectAll().where("id", "=", id).executeTakeFirst(),
    articleBySource: (key: string, exec: Db = db): Promise<ArticleRow | undefined> =>
      exec.selectFrom("kb_articles").selectAll().where("source_key", "=", key).executeTakeFirst(),
    /** The generic article and all its translations and variants. */
    family: (rootId: number, exec: Db = db): Promise<ArticleRow[]> =>
      exec
        .selectFrom("kb_articles")
        .selectAll()
        .where((eb) => eb.or([eb("id", "=", rootId), eb("parent_id", "=", rootId)]))
        .orderBy("id")
        .execute(),
    list(filter: {
      collectionId?: number;
      status?: string;
      statuses?: string[];
      language?: string;
      limit: number;
      offset: number;
    }): Promise<ArticleRow[]> {
      let q = db.selectFrom("kb_articles").selectAll();
      if (filter.collectionId) q = q.where("collection_id", "=", filter.collectionId);
      if (filter.status) q = q.where("status", "=", filter.status);
      if (filter.statuses) q = q.where("status", "in", filter.statuses);
      if (filter.language) q = q.where("language", "=", filter.language);
      return q
        .orderBy("collection_id")
        .orderBy("position")
        .orderBy("id")
        .limit(filter.limit)
        .offset(filter.offset)
        .execute();
    },
    allMeta: (): Promise<ArticleMeta[]> => db.selectFrom("kb_articles").select(META_COLUMNS).execute(),
    /** The articles changed at or after a time. */
    metaSince: (ms: number): Promise<ArticleMeta[]> =>
      db.selectFrom("kb_articles").select(META_COLUMNS).where("updated_at", ">=", ms).execute(),
    /** The sections (JSON) of some articles, by id. */
    async sectionsOf(ids: readonly number[]): Promise<Map<number, string>> {
      const out = new Map<number, string>();
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await db
          .selectFrom("kb_articles")
          .select(["id", "sections"])
          .where("id", "in", ids.slice(i, i + 500))
          .execute();
        for (const r of rows) out.set(r.id, r.sections);
      }
      return out;
    },
    /** Changes whenever an article is added or changed, so a cached index knows it is stale. */
    async signature(): Promise<string> {
      const r = await db
        .selectFrom("kb_articles")
        .select((eb) => [
          eb.fn.countAll<number | string>().as("n"),
          eb.fn.max("updated_at").as("m"),
          eb.fn.sum<number | string | null>("revision").as("r"),
        ])
        .executeTakeFirstOrThrow();
      return `${r.n}:${r.m ?? 0}:${r.r ?? 0}`;
    },
    insertArticle: (exec: Db, row: Insertable<KbArticlesTable>): Promise<ArticleRow> =>
      exec.insertInto("kb_articles").values(row).returningAll().executeTakeFirstOrThrow(),
    async updateArticle(exec: Db, id: number, set: Updateable<KbArticlesTable>): Promise<void> {
      await exec.updateTable("kb_articles").set(set).where("id", "=", id).execute();
    },
    /** Marks the translations and variants of a generic article as possibly out of date. */
    async flagChildren(exec: Db, rootId: number, now: number): Promise<void> {
      await exec
        .updateTable("kb_articles")
        .set({ out_of_date: 1, updated_at: now })
        .where("parent_id", "=", rootId)
        .where("out_of_date", "=", 0)
        .execute();
    },

    insertRevision: async (exec: Db, row: Insertable<KbRevisionsTable>): Promise<void> => {
      await exec.insertInto("kb_revisions").values(row).execute();
    },
    revisions: (articleId: number): Promise<RevisionRow[]> =>
      db
        .selectFrom("kb_revisions")
        .selectAll()
        .where("article_id", "=", articleId)
        .orderBy("number", "desc")
        .execute(),
    revision: (articleId: number, number: number): Promise<RevisionRow | undefined> =>
      db
        .selectFrom("kb_revisions")
        .selectAll()
        .where("article_id", "=", articleId)
        .where("number", "=", number)
        .executeTakeFirst(),

    insertSearch: (row: Insertable<KbSearchesTable>): Promise<{ id: number }> =>
      db.insertInto("kb_searches").values(row).returning("id").executeTakeFirstOrThrow(),
    /** Whether search records can be numbered ahead and written in batches (PostgreSQL's sequences). */
    batchesSearches: isPostgres(db),
    /** `n` new search ids from the table's sequence (PostgreSQL only). */
    async reserveSearchIds(n: number): Promise<number[]> {
      const r = await sql<{
        id: string | number;
      }>`select nextval(pg_get_serial_sequence('kb_searches', 'id')) as id from generate_series(1, ${n})`.execute(
        db,
      );
      return r.rows.map((x) => Number(x.id));
    },
    /** Writes search records numbered ahead, in one statement. */
    async insertSearches(rows: Insertable<KbSearchesTable>[]): Promise<void> {
      if (rows.length > 0) await db.insertInto("kb_searches").values(rows).execute();
    },
    search: (id: number) => db.selectFrom("kb_searches").selectAll().where("id", "=", id).executeTakeFirst(),
    /** A reader's searches since a time in which they opened an article. */
    clickedSearches: (userId: number, articleId: number, since: number) =>
      db
        .selectFrom("kb_searches")
        .select(["query", "language", "site_id"])
        .where("user_id", "=", userId)
        .where("clicked_article_id", "=", articleId)
        .where("created_at", ">=", since)
        .orderBy("id", "desc")
        .limit(5)
        .execute(),
    async recordClick(id: number, articleId: number, anchor: string | null, now: number): Promise<void> {
      await db
        .updateTable("kb_searches")
        .set({ clicked_article_id: articleId, clicked_anchor: anchor, clicked_at: now })
        .where("id", "=", id)
        .execute();
    },
  };
}
export type KbRepository = ReturnType<typeof createKbRepository>;
