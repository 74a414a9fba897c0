import { sql } from "kysely";
import { z } from "zod";
import type { Db } from "../../db/database.js";
import type { Actor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso } from "../../shared/clock.js";
import { conflict, forbidden, notFound } from "../../shared/errors.js";
import { termsOf, words } from "./kb.index.js";
import { awaitingReviewAt, visibleTo } from "./kb.learning.scope.js";
import { canEditKb, kbReviewSites } from "./kb.policy.js";
import type { LearnedSource } from "./kb.search.js";

/**
 * Learning from use: the words of questions that ended with an article become search terms of that
 * article, so that the next person asking the same way finds it. Only evidence that the article
 * answered counts (a search click followed by "helpful", a chatbot answer confirmed helpful, a staff
 * reply linking the article); a word is searched once MIN_WITNESSES different people vouched for it,
 * each counted once however often they ask, or once an editor of the site accepted it from a ticket;
 * anonymous evidence counts for nothing. An article keeps at most MAX_TERMS learned words (the
 * best-evidenced); hub admins remove a word for good.
 *
 * The words of a ticket's subject are that site's data: they wait ("pending" evidence) until an agent
 * or coordinator of the ticket's site accepts them, and until then change nobody's search results and
 * are listed only to that site's staff. Words in search (active ones) are part of every reader's search,
 * so every editor sees them; the others only the staff of a site whose people or tickets gave them.
 */
export const MIN_WITNESSES = 2;
export const MAX_TERMS = 25;
/** Words taken from one question, at most (a pasted request could otherwise flood the table). */
const MAX_WORDS_PER_QUESTION = 12;
/** A learned word weighs in the index as if written up to this many times, by its evidence. */
const MAX_WEIGHT = 3;
/** Words that carry no topic in a support question, beyond each language's stop words. */
const FILLER = new Set(
  "please help need want know tell also thanks thank hello hi dear ok okay get got still cannot can't doesn't don't isn't won't anymore today yesterday tomorrow sir madam bonjour merci hola gracias ola obrigado obrigada".split(
    " ",
  ),
);

export type Evidence = {
  articleId: number;
  /** the question, search or ticket subject whose words are learned */
  text: string;
  language: string;
  /** user:<id> or ticket:<id> */
  witness: string;
  source: "search" | "chatbot" | "ticket";
  staff: boolean;
  siteId: number | null;
};

/** The words of a question worth learning: no stop words, filler, numbers or one- and two-letter words. */
export function learnableWords(text: string, language: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    const t = termsOf(w, language);
    const e = termsOf(w, "en");
    if (!t || !e || FILLER.has(t.word) || t.word.length < 3 || /^\d+$/.test(t.word)) continue;
    if (!out.includes(t.word)) out.push(t.word);
    if (out.length >= MAX_WORDS_PER_QUESTION) break;
  }
  return out;
}

export const learnedTerm = z.object({
  articleId: z.number(),
  term: z.string(),
  evidence: z.number().describe("How many different people or accepted tickets vouch for it"),
  status: z.enum(["active", "pending", "removed"]),
  awaitingReview: z
    .number()
    .describe(
      "How many tickets of the reader's sites gave this word and wait for the reader to accept or reject it",
    ),
  updatedAt: z.string(),
});
export type LearnedTermView = z.infer<typeof learnedTerm>;

/** Evidence, learned terms, and what search reads of them. */
export function createKbLearning({ db, clock, touch }: { db: Db; clock: Clock; touch: () => void }) {
  /** Recounts the given words of an article and sets their status, keeping at most MAX_TERMS active. */
  async function recount(tx: Db, articleId: number, terms: string[], now: number) {
    // a ticket's words count once an editor accepted them; searches and chatbot answers count as given
    const counts = await tx
      .selectFrom("kb_learned_evidence")
      .select([
        "term",
        sql<number | string>`sum(case when review is null or review = 'accepted' then 1 else 0 end)`.as("n"),
        sql<number | string>`max(case when review = 'accepted' then staff else 0 end)`.as("staff"),
      ])
      .where("article_id", "=", articleId)
      .where("term", "in", terms)
      .groupBy("term")
      .execute();
    for (const c of counts) {
      const evidence = Number(c.n);
      const status = Number(c.staff) === 1 || evidence >= MIN_WITNESSES ? "active" : "pending";
      const existing = await tx
        .selectFrom("kb_learned_terms")
        .select(["id", "status", "evidence"])
        .where("article_id", "=", articleId)
        .where("term", "=", c.term)
        .executeTakeFirst();
      if (!existing)
        await tx
          .insertInto("kb_learned_terms")
          .values({
            article_id: articleId,
            term: c.term,
            evidence,
            status,
            removed_by: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      else if (
        existing.status !== "removed" &&
        (existing.evidence !== evidence || existing.status !== status)
      )
        await tx
          .updateTable("kb_learned_terms")
          .set({ evidence, status, updated_at: now })
          .where("id", "=", existing.id)
          .execute();
    }
    // the cap: the best-evidenced words stay, the others wait
    const active = await tx
      .selectFrom("kb_learned_terms")
      .select("id")
      .where("article_id", "=", articleId)
      .where("status", "=", "active")
      .orderBy("evidence", "desc")
      .orderBy("id")
      .execute();
    const over = active.slice(MAX_TERMS).map((r) => r.id);
    if (over.length)
      await tx
        .updateTable("kb_learned_terms")
        .set({ status: "pending", updated_at: now })
        .where("id", "in", over)
        .execute();
  }

  type TermRow = { article_id: number; term: string; evidence: number; status: string; updated_at: number };
  const view = (r: TermRow, awaitingReview: number): LearnedTermView => ({
    articleId: r.article_id,
    term: r.term,
    evidence: r.evidence,
    status: r.status as LearnedTermView["status"],
    awaitingReview,
    updatedAt: toIso(Number(r.updated_at)),
  });

  /** Per word of the given articles, how many tickets of the actor's sites wait for their review. */
  async function awaiting(actor: Actor, rows: TermRow[]): Promise<Map<string, number>> {
    const sites = kbReviewSites(actor);
    const out = new Map<string, number>();
    if (sites.length === 0 || rows.length === 0) return out;
    const found = await db
      .selectFrom("kb_learned_evidence")
      .select((eb) => ["article_id", "term", eb.fn.countAll<number | string>().as("n")])
      .where("article_id", "in", [...new Set(rows.map((r) => r.article_id))])
      .where("term", "in", [...new Set(rows.map((r) => r.term))])
      .where("review", "=", "pending")
      .where("site_id", "in", sites)
      .groupBy(["article_id", "term"])
      .execute();
    for (const f of found) out.set(`${f.article_id}:${f.term}`, Number(f.n));
    return out;
  }

  /** The word if the actor may know of it; 404 otherwise, so that other sites' words stay hidden. */
  async function visibleTerm(
    actor: Actor,
    articleId: number,
    term: string,
  ): Promise<TermRow & { id: number }> {
    const row = await db
      .selectFrom("kb_learned_terms")
      .selectAll()
      .where("article_id", "=", articleId)
      .where("term", "=", term)
      .where(visibleTo(actor))
      .executeTakeFirst();
    if (!row) throw notFound("kb.learned_not_found", "No such learned word");
    return row;
  }

  /**
   * An editor's verdict on the words that tickets of their sites gave: the evidence in `from` states
   * becomes `to`, and the word is counted again.
   */
  async function review(
    actor: Actor,
    articleId: number,
    term: string,
    from: string[],
    to: "accepted" | "rejected",
  ): Promise<LearnedTermView> {
    if (!canEditKb(actor))
      throw forbidden(
        "kb.learned_forbidden",
        "Only agents and coordinators of the ticket's site review its words",
      );
    await visibleTerm(actor, articleId, term);
    const sites = kbReviewSites(actor);
    const now = clock.now();
    const changed =
      sites.length === 0
        ? 0
        : await db.transaction().execute(async (tx) => {
            const r = await tx
              .updateTable("kb_learned_evidence")
              .set({ review: to })
              .where("article_id", "=", articleId)
              .where("term", "=", term)
              .where("review", "in", from)
              .where("site_id", "in", sites)
              .executeTakeFirst();
            const n = Number(r.numUpdatedRows);
            if (n > 0) await recount(tx, articleId, [term], now);
            return n;
          });
    if (changed === 0) {
      const others = await db
        .selectFrom("kb_learned_evidence")
        .select("id")
        .where("article_id", "=", articleId)
        .where("term", "=", term)
        .where("review", "in", from)
        .executeTakeFirst();
      if (others)
        throw forbidden(
          "kb.learned_forbidden",
          "Only agents and coordinators of the ticket's site review its words",
        );
      throw conflict(
        "kb.learned_not_pending",
        `No ticket of your sites has this word waiting for ${to === "accepted" ? "acceptance" : "rejection"}`,
      );
    }
    touch();
    const row = await db
      .selectFrom("kb_learned_terms")
      .selectAll()
      .where("article_id", "=", articleId)
      .where("term", "=", term)
      .executeTakeFirstOrThrow();
    return view(row, (await awaiting(actor, [row])).get(`${articleId}:${term}`) ?? 0);
  }

  const source: LearnedSource = {
    async signature() {
      const r = await db
        .selectFrom("kb_learned_terms")
        .select((eb) => [eb.fn.countAll<number | string>().as("n"), eb.fn.max("updated_at").as("m")])
        .executeTakeFirstOrThrow();
      return `${r.n}:${r.m ?? 0}`;
    },
    async words(articleIds) {
      if (articleIds && articleIds.length === 0) return new Map();
      let q = db
        .selectFrom("kb_learned_terms")
        .select(["article_id", "term", "evidence"])
        .where("status", "=", "active");
      if (articleIds) q = q.where("article_id", "in", [...articleIds]);
      const out = new Map<number, string[]>();
      for (const r of await q.orderBy("id").execute()) {
        const list = out.get(r.article_id) ?? [];
        for (let i = 0; i < Math.min(MAX_WEIGHT, r.evidence); i++) list.push(r.term);
        out.set(r.article_id, list);
      }
      return new Map([...out].map(([id, list]) => [id, list.join(" ")]));
    },
    async changedSince(ms) {
      const rows = await db
        .selectFrom("kb_learned_terms")
        .select("article_id")
        .distinct()
        .where("updated_at", ">=", ms)
        .execute();
      return rows.map((r) => r.article_id);
    },
  };

  return {
    /** What search reads. */
    source,

    /**
     * Records that a question ended with an article, in the caller's transaction if given. A witness
     * vouches once per word and article; returns the words recorded.
     */
    async record(e: Evidence, exec: Db = db): Promise<string[]> {
      const terms = learnableWords(e.text, e.language);
      if (terms.length === 0 || !e.witness || e.witness.endsWith(":0")) return [];
      const now = clock.now();
      const write = async (tx: Db) => {
        await tx
          .insertInto("kb_learned_evidence")
          .values(
            terms.map((term) => ({
              article_id: e.articleId,
              term,
              witness: e.witness,
              source: e.source,
              staff: e.staff ? 1 : 0,
              site_id: e.siteId,
              review: e.source === "ticket" ? "pending" : null,
              created_at: now,
            })),
          )
          .onConflict((oc) => oc.columns(["article_id", "term", "witness"]).doNothing())
          .execute();
        await recount(tx, e.articleId, terms, now);
      };
      if (exec === db) await db.transaction().execute(write);
      else await write(exec);
      touch();
      return terms;
    },

    /** Learned words the editor may know of (see visibleTo), best-evidenced first. */
    async list(
      actor: Actor,
      q: { articleId?: number; status?: string; awaitingReview?: string; limit: number; offset: number },
    ): Promise<LearnedTermView[]> {
      if (!canEditKb(actor))
        throw forbidden("kb.learned_forbidden", "Only agents, coordinators and hub admins see learned words");
      let query = db.selectFrom("kb_learned_terms").selectAll().where(visibleTo(actor));
      if (q.articleId !== undefined) query = query.where("article_id", "=", q.articleId);
      if (q.status) query = query.where("status", "=", q.status);
      if (q.awaitingReview === "true") {
        const sites = kbReviewSites(actor);
        if (sites.length === 0) return [];
        query = query.where(awaitingReviewAt(sites));
      }
      const rows = await query
        .orderBy("evidence", "desc")
        .orderBy("id")
        .limit(q.limit)
        .offset(q.offset)
        .execute();
      const waiting = await awaiting(actor, rows);
      return rows.map((r) => view(r, waiting.get(`${r.article_id}:${r.term}`) ?? 0));
    },

    /** An editor of the ticket's site lets search use the words its tickets gave an article. */
    accept: (actor: Actor, articleId: number, term: string) =>
      review(actor, articleId, term, ["pending"], "accepted"),

    /** An editor of the ticket's site keeps its tickets' words out of search (also after accepting them). */
    reject: (actor: Actor, articleId: number, term: string) =>
      review(actor, articleId, term, ["pending", "accepted"], "rejected"),

    /** Removes a learned word from an article for good: later evidence does not bring it back (hub admins). */
    async remove(actor: Actor, articleId: number, term: string): Promise<LearnedTermView> {
      if (!actor.hubAdmin) throw forbidden("kb.learned_forbidden", "Only hub admins remove learned words");
      const row = await visibleTerm(actor, articleId, term);
      await db
        .updateTable("kb_learned_terms")
        .set({ status: "removed", removed_by: actor.userId || null, updated_at: clock.now() })
        .where("id", "=", row.id)
        .execute();
      touch();
      return view({ ...row, status: "removed", updated_at: clock.now() }, 0);
    },
  };
}
export type KbLearning = ReturnType<typeof createKbLearning>;
