import { sql } from "kysely";
import type { DialectMigration, MigrationDb } from "./helpers.js";

/**
 * What the knowledge base learns from a site stays that site's (modules/kb/kb.learning.ts and
 * kb.feedback.ts):
 * - the words of a ticket's subject wait for an editor of the ticket's site: evidence gets a `review`
 *   (pending, accepted or rejected; null for searches and chatbot answers), every ticket's evidence
 *   recorded so far waits again, and a word searched only on the strength of tickets goes back to
 *   pending (with the two witnesses search needed then: 2 is MIN_WITNESSES as it was);
 * - feedback on an article recorded without a site gets the site it came from where that can be told:
 *   the site of a site variant, else its author's only site.
 */
export const kbSiteScopedLearningAndFeedback: DialectMigration = {
  async up(db) {
    await db.schema.alterTable("kb_learned_evidence").addColumn("review", "text").execute();
    await scopeLearnedData(db);
  },
};

/** The data part of the migration, on a schema that has `review` (exported for its test). */
export async function scopeLearnedData(db: MigrationDb): Promise<void> {
  await db
    .updateTable("kb_learned_evidence")
    .set({ review: "pending" })
    .where("source", "=", "ticket")
    .execute();
  await sql`
      update kb_learned_terms set
        evidence = (
          select count(*) from kb_learned_evidence e
          where e.article_id = kb_learned_terms.article_id and e.term = kb_learned_terms.term
            and e.review is null
        ),
        status = case
          when status = 'active' and (
            select count(*) from kb_learned_evidence e
            where e.article_id = kb_learned_terms.article_id and e.term = kb_learned_terms.term
              and e.review is null
          ) >= 2 then 'active'
          else 'pending'
        end
      where status <> 'removed'
    `.execute(db);

  await sql`
      update kb_feedback set site_id = (
        select a.site_id from kb_articles a where a.id = kb_feedback.article_id
      )
      where site_id is null and conversation_id is null
        and article_id in (select id from kb_articles where site_id is not null)
    `.execute(db);
  await sql`
      update kb_feedback set site_id = (
        select min(m.site_id) from memberships m where m.user_id = kb_feedback.user_id
      )
      where site_id is null and conversation_id is null and user_id is not null
        and (select count(distinct m.site_id) from memberships m where m.user_id = kb_feedback.user_id) = 1
    `.execute(db);
}
