import type { DialectMigration } from "./helpers.js";

/**
 * Site variants that override only named sections of the generic text (issue 4 §2): "body" (the
 * whole text, as before) or "sections" (each of the variant's sections replaces the one of the same
 * heading).
 */
export const kbVariantSections: DialectMigration = {
  async up(db) {
    await db.schema
      .alterTable("kb_articles")
      .addColumn("overrides", "text", (c) => c.notNull().defaultTo("body"))
      .execute();
  },
};
