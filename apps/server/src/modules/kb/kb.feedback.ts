import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import type { Db } from "../../db/database.js";
import { type Actor, isMember } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso } from "../../shared/clock.js";
import { forbidden } from "../../shared/errors.js";
import { text } from "../../shared/text.js";
import type { SitesService } from "../sites/sites.service.js";
import { canEditKb, kbStaffSites } from "./kb.policy.js";
import type { KbService } from "./kb.service.js";

const id = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);

export const feedbackInput = z.strictObject({
  helpful: z.boolean().describe("Was this helpful?"),
  comment: text(2000).optional(),
});
export type FeedbackInput = z.infer<typeof feedbackInput>;

export const feedbackSiteQuery = z.strictObject({
  site: text(20)
    .optional()
    .describe("The site whose page the reader gave it on (default: their only site, if one)"),
});

export const feedbackQuery = z.strictObject({
  kind: z.enum(["article", "chatbot"]).optional(),
  articleId: id.optional(),
  helpful: z.enum(["true", "false"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type FeedbackQuery = z.infer<typeof feedbackQuery>;

export const feedback = z.object({
  id: z.number(),
  kind: z.enum(["article", "chatbot"]),
  articleId: z.number().nullable(),
  conversationId: z.number().nullable(),
  turnId: z.number().nullable(),
  siteId: z.number().nullable(),
  userId: z.number().nullable(),
  helpful: z.boolean(),
  comment: z.string().nullable(),
  createdAt: z.string(),
});
export type FeedbackView = z.infer<typeof feedback>;

type FeedbackRow = {
  id: number;
  article_id: number | null;
  conversation_id: number | null;
  turn_id: number | null;
  site_id: number | null;
  user_id: number | null;
  helpful: number;
  comment: string | null;
  created_at: number;
};

const viewOf = (r: FeedbackRow): FeedbackView => ({
  id: r.id,
  kind: r.conversation_id !== null ? "chatbot" : "article",
  articleId: r.article_id,
  conversationId: r.conversation_id,
  turnId: r.turn_id,
  siteId: r.site_id,
  userId: r.user_id,
  helpful: r.helpful === 1,
  comment: r.comment,
  createdAt: toIso(r.created_at),
});

/**
 * "Was this helpful?" on articles and on chatbot answers, kept for the editors. Each feedback belongs to
 * the site it came from (a site variant's site, the site of the page, the reader's only site, or the
 * chatbot conversation's site) and is read only by that site's staff among the editors (kb.policy.ts).
 */
export function createKbFeedback({
  db,
  clock,
  kb,
  sites,
}: {
  db: Db;
  clock: Clock;
  kb: KbService;
  sites: SitesService;
}) {
  /** The site a feedback on an article comes from; null when none can be told (several sites, none named). */
  async function siteOf(actor: Actor, variantOf: string | null, named: string | undefined) {
    const code = variantOf ?? named;
    if (code) {
      const site = (await sites.resolveCodes([code])).found[0];
      // a variant belongs to its site; a page's site counts only for its members
      if (site && (variantOf !== null || isMember(actor, site.id))) return site.id;
    }
    const mine = [...actor.roles.keys()];
    return mine.length === 1 ? (mine[0] as number) : null;
  }

  async function insert(
    actor: Actor,
    row: Omit<FeedbackRow, "id" | "created_at" | "user_id" | "helpful" | "comment">,
    input: FeedbackInput,
  ): Promise<FeedbackView> {
    const saved = await db
      .insertInto("kb_feedback")
      .values({
        ...row,
        user_id: actor.userId || null,
        helpful: input.helpful ? 1 : 0,
        comment: input.comment ?? null,
        created_at: clock.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return viewOf(saved);
  }

  return {
    /** Feedback on an article the actor may read (404 otherwise); "helpful" teaches it the words searched. */
    async onArticle(
      actor: Actor,
      articleId: number,
      input: FeedbackInput,
      site?: string,
    ): Promise<FeedbackView> {
      const article = await kb.getArticle(actor, articleId, { exact: "true" });
      const saved = await insert(
        actor,
        {
          article_id: articleId,
          conversation_id: null,
          turn_id: null,
          site_id: await siteOf(actor, article.site, site),
        },
        input,
      );
      if (input.helpful) await kb.learnFromHelpfulArticle(actor, articleId);
      return saved;
    },

    /** Feedback on a chatbot answer; the chatbot service has checked the conversation is the actor's. */
    onChatbotAnswer(
      actor: Actor,
      at: { conversationId: number; turnId: number | null; siteId: number; articleId?: number | null },
      input: FeedbackInput,
    ): Promise<FeedbackView> {
      return insert(
        actor,
        {
          article_id: at.articleId ?? null,
          conversation_id: at.conversationId,
          turn_id: at.turnId,
          site_id: at.siteId,
        },
        input,
      );
    },

    /** Feedback, newest first, for the editors: their sites' and that of no one site (feedbackPolicy.read). */
    async list(actor: Actor, q: FeedbackQuery): Promise<FeedbackView[]> {
      if (!canEditKb(actor))
        throw forbidden("kb.feedback_forbidden", "Only agents, coordinators and hub admins read feedback");
      const staffOf = kbStaffSites(actor);
      let query = db
        .selectFrom("kb_feedback")
        .selectAll()
        .where((eb) =>
          eb.or([eb("site_id", "is", null), ...(staffOf.length ? [eb("site_id", "in", staffOf)] : [])]),
        );
      if (q.kind === "article") query = query.where("conversation_id", "is", null);
      if (q.kind === "chatbot") query = query.where("conversation_id", "is not", null);
      if (q.articleId !== undefined) query = query.where("article_id", "=", q.articleId);
      if (q.helpful) query = query.where("helpful", "=", q.helpful === "true" ? 1 : 0);
      const rows = await query.orderBy("id", "desc").limit(q.limit).offset(q.offset).execute();
      return rows.map(viewOf);
    },
  };
}
export type KbFeedback = ReturnType<typeof createKbFeedback>;

/** POST /kb/articles/{id}/feedback and GET /kb/feedback. */
export function kbFeedbackRoutes(app: App, { kbFeedback }: AppContext) {
  const tags = ["knowledge base"];
  app.post(
    "/kb/articles/:id/feedback",
    {
      schema: {
        tags,
        summary: "Say whether an article helped, with an optional comment",
        security: secured,
        params: z.strictObject({ id }),
        querystring: feedbackSiteQuery,
        body: feedbackInput,
        response: { 201: feedback },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await kbFeedback.onArticle(actorOf(req, "tickets:read"), req.params.id, req.body, req.query.site),
        ),
  );
  app.get(
    "/kb/feedback",
    {
      schema: {
        tags,
        summary:
          "Feedback on articles and chatbot answers, newest first (agents, coordinators, hub admins): that of the sites where the reader is staff, and that of no one site",
        security: secured,
        querystring: feedbackQuery,
        response: { 200: z.object({ items: z.array(feedback) }) },
      },
    },
    async (req) => ({ items: await kbFeedback.list(actorOf(req, "tickets:read"), req.query) }),
  );
}
