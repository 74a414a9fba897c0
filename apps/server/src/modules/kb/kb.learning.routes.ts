import { z } from "zod";
import { type App, actorOf, secured } from "../../app/http.js";
import { text } from "../../shared/text.js";
import { type KbLearning, learnedTerm } from "./kb.learning.js";

const id = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
export const learnedQuery = z.strictObject({
  articleId: id.optional(),
  status: z.enum(["active", "pending", "removed"]).optional(),
  awaitingReview: z
    .enum(["true"])
    .optional()
    .describe("true: only words that tickets of the reader's sites gave and that wait for their review"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

// text(): a NUL would reach PostgreSQL, which refuses it with a 500.
const termParams = z.strictObject({ id, term: text(100) });

/** GET /kb/learned-terms, POST .../learned-terms/{term}/accept|reject and DELETE .../learned-terms/{term}. */
export function kbLearningRoutes(app: App, learning: KbLearning) {
  const tags = ["knowledge base"];
  app.get(
    "/kb/learned-terms",
    {
      schema: {
        tags,
        summary:
          "Words learned from use as articles' search terms, best-evidenced first (agents, coordinators, hub admins): those in search, and the others only to the staff of the sites whose people or tickets gave them",
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
        params: termParams,
        response: { 200: learnedTerm },
      },
    },
    async (req) => learning.remove(actorOf(req, "tickets:write"), req.params.id, req.params.term),
  );
  for (const verdict of ["accept", "reject"] as const)
    app.post(
      `/kb/articles/:id/learned-terms/:term/${verdict}`,
      {
        schema: {
          tags,
          summary:
            verdict === "accept"
              ? "Let search use a word that tickets of your sites gave the article (their agents and coordinators)"
              : "Keep out of search a word that tickets of your sites gave the article, also after accepting it (their agents and coordinators)",
          security: secured,
          params: termParams,
          response: { 200: learnedTerm },
        },
      },
      async (req) => learning[verdict](actorOf(req, "tickets:write"), req.params.id, req.params.term),
    );
}
