import { z } from "zod";
import type { App } from "../../app/http.js";
import { actorOf, secured } from "../../app/http.js";
import type { Db } from "../../db/database.js";
import type { Actor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso } from "../../shared/clock.js";
import { forbidden, notFound } from "../../shared/errors.js";
import { termsOf, words } from "./kb.index.js";
import { canEditKb } from "./kb.policy.js";
import type { LearnedSource } from "./kb.search.js";

/**
 * Learning from use: the words of questions that ended with an article become search terms of that
 * article, so that the next person asking the same way finds it. Only evidence that the article
 * answered counts (a search click followed by "helpful", a chatbot answer confirmed helpful, a staff
 * reply linking the article); a word is searched once staff vouched for it, or once MIN_WITNESSES
 * different people did, each counted once however often they ask; anonymous evidence counts for
 * nothing. An article keeps at most MAX_TERMS learned words (the best-evidenced); hub admins remove a
 * word for good.
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
  evidence: z.number().describe("How many different people or tickets vouch for it"),
  status: z.enum(["active", "pending", "removed"]),
  updatedAt: z.string(),
});
export type LearnedTermView = z.infer<typeof learnedTerm>;

/** Evidence, learned terms, and what search reads of them. */
export function createKbLearning({ db, clock, touch }: { db: Db; clock: Clock; touch: () => void }) {
  /** Recounts the given words of an article and sets their status, keeping at most MAX_TERMS active. */
  async function recount(tx: Db, articleId: number, terms: string[], now: number) {
    const counts = await tx
      .selectFrom("kb_learned_evidence")
      .select((eb) => ["term", eb.fn.countAll<number | string>().as("n"), eb.fn.max("staff").as("staff")])
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

  const view = (r: {
    article_id: number;
    term: string;
    evidence: number;
    status: string;
    updated_at: number;
  }): LearnedTermView => ({
    articleId: r.article_id,
    term: r.term,
    evidence: r.evidence,
    status: r.status as LearnedTermView["status"],
    updatedAt: toIso(Number(r.updated_at)),
  });

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

    /** Learned words, best-evidenced first (knowledge-base editors). */
    async list(
      actor: Actor,
      q: { articleId?: number; status?: string; limit: number; offset: number },
    ): Promise<LearnedTermView[]> {
      if (!canEditKb(actor))
        throw forbidden("kb.learned_forbidden", "Only agents, coordinators and hub admins see learned words");
      let query = db.selectFrom("kb_learned_terms").selectAll();
      if (q.articleId !== undefined) query = query.where("article_id", "=", q.articleId);
      if (q.status) query = query.where("status", "=", q.status);
      const rows = await query
        .orderBy("evidence", "desc")
        .orderBy("id")
        .limit(q.limit)
        .offset(q.offset)
        .execute();
      return rows.map(view);
    },

    /** Removes a learned word from an article for good: later evidence does not bring it back (hub admins). */
    async remove(actor: Actor, articleId: number, term: string): Promise<LearnedTermView> {
      if (!actor.hubAdmin) throw forbidden("kb.learned_forbidden", "Only hub admins remove learned words");
      const row = await db
        .selectFrom("kb_learned_terms")
        .selectAll()
        .where("article_id", "=", articleId)
        .where("term", "=", term)
        .executeTakeFirst();
      if (!row) throw notFound("kb.learned_not_found", "No such learned word");
      await db
        .updateTable("kb_learned_terms")
        .set({ status: "removed", removed_by: actor.userId || null, updated_at: clock.now() })
        .where("id", "=", row.id)
        .execute();
      touch();
      return view({ ...row, status: "removed", updated_at: clock.now() });
    },
  };
}
export type KbLearning = ReturnType<typeof createKbLearning>;

const id = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
export const learnedQuery = z.strictObject({
  articleId: id.optional(),
  status: z.enum(["active", "pending", "removed"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** GET /kb/learned-terms and DELETE /kb/articles/{id}/learned-terms/{term}. */
export function kbLearningRoutes(app: App, learning: KbLearning) {
  const tags = ["knowledge base"];
  app.get(
    "/kb/learned-terms",
    {
      schema: {
        tags,
        summary:
          "Words learned from use as articles' search terms, best-evidenced first (agents, coordinators, hub admins)",
        security: secured,
        querystring: learnedQuery,
        response: { 200: z.object({ items: z.array(learnedTerm) }) },
      },
    },
    async (req) => ({ items: await learning.list(actorOf(req, "tickets:read"), req.query) }),
  );
  app.delete(
    "/kb/articles/:id/learned-terms/:term",
    {
      schema: {
        tags,
        summary: "Remove a learned word from an article for good (hub admins)",
        security: secured,
        params: z.strictObject({ id, term: z.string().min(1).max(100) }),
        response: { 200: learnedTerm },
      },
    },
    async (req) => learning.remove(actorOf(req, "tickets:write"), req.params.id, req.params.term),
  );
}
