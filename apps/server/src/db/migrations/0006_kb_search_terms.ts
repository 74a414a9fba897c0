import type { DialectMigration } from "./helpers.js";
import { notNull, timeType, withId } from "./helpers.js";

/**
 * The knowledge base's synonym rules as hub admins edit them (Solr synonym format). Every save is a
 * new row, so the rules in force are the newest and earlier versions stay for the record; with no row
 * the search uses the rules shipped with Tierdesk.
 */
export const kbSearchTerms: DialectMigration = {
  async up(db, dialect) {
    await withId(db.schema.createTable("kb_synonyms"), dialect)
      .addColumn("rules", "text", notNull)
      .addColumn("updated_by", "integer", (c) => c.references("users.id"))
      .addColumn("updated_at", timeType(dialect), notNull)
      .execute();
  },
};
