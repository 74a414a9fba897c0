import type { DialectMigration } from "./helpers.js";
import { notNull, timeType, withId } from "./helpers.js";

/**
 * The knowledge base: collections, articles (generic ones, their translations and site variants),
 * every revision of every article, and the searches readers made with what they clicked.
 */
export const knowledgeBase: DialectMigration = {
  async up(db, dialect) {
    const time = timeType(dialect);

    await withId(db.schema.createTable("kb_collections"), dialect)
      .addColumn("slug", "text", (c) => c.notNull().unique())
      .addColumn("name", "text", notNull)
      .addColumn("description", "text")
      .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .execute();

    await withId(db.schema.createTable("kb_articles"), dialect)
      .addColumn("collection_id", "integer", (c) => c.notNull().references("kb_collections.id"))
      // null for a generic article; the generic article's id for its translations and site variants
      .addColumn("parent_id", "integer", (c) => c.references("kb_articles.id"))
      .addColumn("site_id", "integer", (c) => c.references("sites.id"))
      .addColumn("language", "text", notNull)
      .addColumn("slug", "text", notNull)
      .addColumn("title", "text", notNull)
      .addColumn("body_md", "text", notNull)
      .addColumn("body_html", "text", notNull)
      .addColumn("sections", "text", notNull)
      .addColumn("audiences", "text", notNull)
      .addColumn("product", "text")
      .addColumn("versions", "text", notNull)
      .addColumn("status", "text", notNull)
      .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("revision", "integer", notNull)
      .addColumn("based_on_revision", "integer")
      .addColumn("out_of_date", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("source_key", "text")
      .addColumn("source_hash", "text")
      .addColumn("created_by", "integer")
      .addColumn("updated_by", "integer")
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .addColumn("published_at", time)
      .execute();
    await db.schema
      .createIndex("kb_articles_source_uq")
      .on("kb_articles")
      .column("source_key")
      .unique()
      .where("source_key", "is not", null)
      .execute();
    await db.schema.createIndex("kb_articles_parent_idx").on("kb_articles").column("parent_id").execute();
    await db.schema
      .createIndex("kb_articles_collection_idx")
      .on("kb_articles")
      .columns(["collection_id", "position"])
      .execute();

    await withId(db.schema.createTable("kb_revisions"), dialect)
      .addColumn("article_id", "integer", (c) => c.notNull().references("kb_articles.id").onDelete("cascade"))
      .addColumn("number", "integer", notNull)
      .addColumn("title", "text", notNull)
      .addColumn("body_md", "text", notNull)
      .addColumn("status", "text", notNull)
      .addColumn("note", "text")
      // no foreign key: imports and start-up tasks act as the system actor, who is not a user row
      .addColumn("author_id", "integer")
      .addColumn("author_name", "text", notNull)
      .addColumn("created_at", time, notNull)
      .execute();
    await db.schema
      .createIndex("kb_revisions_article_number_uq")
      .on("kb_revisions")
      .columns(["article_id", "number"])
      .unique()
      .execute();

    await withId(db.schema.createTable("kb_searches"), dialect)
      .addColumn("user_id", "integer")
      .addColumn("site_id", "integer")
      .addColumn("query", "text", notNull)
      .addColumn("language", "text", notNull)
      .addColumn("filters", "text", notNull)
      .addColumn("result_count", "integer", notNull)
      .addColumn("clicked_article_id", "integer")
      .addColumn("clicked_anchor", "text")
      .addColumn("clicked_at", time)
      .addColumn("created_at", time, notNull)
      .execute();
    await db.schema.createIndex("kb_searches_created_idx").on("kb_searches").column("created_at").execute();
  },
};
