import type { DialectMigration } from "./helpers.js";
import { notNull, timeType, withId } from "./helpers.js";

/**
 * Learning from use: the evidence that a question ended with an article (a helpful click or chatbot
 * answer, a staff reply that linked it), one row per word, article and person or ticket; the words
 * that enough evidence made part of an article's search terms; and an index that lets search ask
 * cheaply whether any article changed.
 */
export const kbLearning: DialectMigration = {
  async up(db, dialect) {
    const time = timeType(dialect);

    await withId(db.schema.createTable("kb_learned_evidence"), dialect)
      .addColumn("article_id", "integer", (c) => c.notNull().references("kb_articles.id").onDelete("cascade"))
      .addColumn("term", "text", notNull)
      // who or what vouches for it, once: user:<id>, ticket:<id>
      .addColumn("witness", "text", notNull)
      // search, chatbot or ticket
      .addColumn("source", "text", notNull)
      // 1 when staff linked the article (trusted on its own)
      .addColumn("staff", "integer", notNull)
      .addColumn("site_id", "integer")
      .addColumn("created_at", time, notNull)
      .execute();
    await db.schema
      .createIndex("kb_learned_evidence_uq")
      .on("kb_learned_evidence")
      .columns(["article_id", "term", "witness"])
      .unique()
      .execute();

    await withId(db.schema.createTable("kb_learned_terms"), dialect)
      .addColumn("article_id", "integer", (c) => c.notNull().references("kb_articles.id").onDelete("cascade"))
      .addColumn("term", "text", notNull)
      // how many distinct people or tickets vouch for it
      .addColumn("evidence", "integer", notNull)
      // active (searched), pending (not enough evidence yet) or removed (by an admin; stays removed)
      .addColumn("status", "text", notNull)
      .addColumn("removed_by", "integer")
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .execute();
    await db.schema
      .createIndex("kb_learned_terms_uq")
      .on("kb_learned_terms")
      .columns(["article_id", "term"])
      .unique()
      .execute();
    await db.schema
      .createIndex("kb_learned_terms_updated_idx")
      .on("kb_learned_terms")
      .column("updated_at")
      .execute();

    // search asks for count, max(updated_at) and sum(revision) of the articles: an index holding all
    // three answers it without reading the articles' texts
    await db.schema
      .createIndex("kb_articles_updated_idx")
      .on("kb_articles")
      .columns(["updated_at", "revision"])
      .execute();
    await db.schema
      .createIndex("kb_searches_user_idx")
      .on("kb_searches")
      .columns(["user_id", "clicked_article_id", "created_at"])
      .execute();
  },
};
