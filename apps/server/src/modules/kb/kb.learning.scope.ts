import { type ExpressionBuilder, sql } from "kysely";
import type { Database } from "../../db/schema.js";
import type { Actor } from "../../shared/actor.js";
import { kbStaffSites } from "./kb.policy.js";

/**
 * The rules of kb.learning.ts as SQL filters on learned words: who may know of a word, and which words
 * wait for an editor's review.
 */

/** Evidence of a word that is not rejected. */
const standing = (eb: ExpressionBuilder<Database, "kb_learned_evidence">) =>
  eb.or([eb("kb_learned_evidence.review", "is", null), eb("kb_learned_evidence.review", "!=", "rejected")]);

/** Evidence rows of the learned word of the outer query. */
const evidenceOf = (eb: ExpressionBuilder<Database, "kb_learned_terms">) =>
  eb
    .selectFrom("kb_learned_evidence")
    .select(sql.lit(1).as("one"))
    .whereRef("kb_learned_evidence.article_id", "=", "kb_learned_terms.article_id")
    .whereRef("kb_learned_evidence.term", "=", "kb_learned_terms.term");

/** The learned words an actor may know of: those in search, and those their sites' people or tickets gave. */
export const visibleTo = (actor: Actor) => {
  const staffOf = kbStaffSites(actor);
  return (eb: ExpressionBuilder<Database, "kb_learned_terms">) =>
    eb.or([
      eb("kb_learned_terms.status", "=", "active"),
      eb.exists(
        evidenceOf(eb)
          .where(standing)
          .where((e) =>
            e.or([
              // searches of people of several sites or none are no one site's
              e.and([
                e("kb_learned_evidence.site_id", "is", null),
                e("kb_learned_evidence.source", "!=", "ticket"),
              ]),
              ...(staffOf.length ? [e("kb_learned_evidence.site_id", "in", staffOf)] : []),
            ]),
          ),
      ),
    ]);
};

/** Learned words that tickets of the given sites gave and that wait for review there (`sites` not empty). */
export const awaitingReviewAt = (sites: number[]) => (eb: ExpressionBuilder<Database, "kb_learned_terms">) =>
  eb.exists(
    evidenceOf(eb)
      .where("kb_learned_evidence.review", "=", "pending")
      .where("kb_learned_evidence.site_id", "in", sites),
  );
