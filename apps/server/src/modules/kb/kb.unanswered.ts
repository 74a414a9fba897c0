import { z } from "zod";
import type { App } from "../../app/http.js";
import { actorOf, secured } from "../../app/http.js";
import type { Db } from "../../db/database.js";
import { type Actor, sitesWithRole } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso } from "../../shared/clock.js";
import { forbidden, invalid, notFound } from "../../shared/errors.js";
import { text } from "../../shared/text.js";
import type { SitesService } from "../sites/sites.service.js";
import { fold } from "./kb.index.js";

/** Rows read for one report, at most (the newest); the report says when it was cut. */
const MAX_ROWS = 50_000;
const DAY = 86_400_000;

export const unansweredQuery = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional().describe("From this time (default: 30 days ago)"),
  site: text(20).optional().describe("One site's code (default: every site the reader reports on)"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type UnansweredQuery = z.infer<typeof unansweredQuery>;

export const unansweredItem = z.object({
  query: z.string().describe("The question, normalised: lower case, without accents or punctuation"),
  count: z.number().describe("How many times it was asked without an answer taken"),
  noResult: z.number().describe("How many of those found nothing at all"),
  search: z.number().describe("Asked in the knowledge-base search (or while writing a request)"),
  chatbot: z.number().describe("Asked the chatbot"),
  people: z.number().describe("How many different signed-in people asked it"),
  lastAskedAt: z.string(),
});
export const unansweredReport = z.object({
  since: z.string(),
  truncated: z.boolean().describe("True when more questions were asked than one report reads"),
  items: z.array(unansweredItem),
});
export type UnansweredReport = z.infer<typeof unansweredReport>;

/** A question as the report groups it. */
export const normaliseQuery = (q: string): string =>
  fold(q.toLowerCase())
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .replace(/\s+/g, " ");

/**
 * The questions the knowledge base did not answer, for the L0 reports: searches (and chatbot
 * questions) that found nothing, or whose results nobody opened or confirmed, grouped by the question
 * normalised, most asked first. Coordinators and managers see their sites' questions; hub admins those
 * asked without a site, and their own sites' through a membership.
 */
export function createUnanswered({
  db,
  clock,
  sites,
  written = async () => {},
}: {
  db: Db;
  clock: Clock;
  sites: SitesService;
  /** waits until the searches made so far are written (they are written in batches) */
  written?: () => Promise<void>;
}) {
  /**
   * The sites whose questions the reader sees, and whether also those asked without a site (the public
   * portal's). Hub admins see a site's questions only through a membership, as they do its chats.
   */
  async function scope(
    actor: Actor,
    site: string | undefined,
  ): Promise<{ siteIds: number[]; siteless: boolean }> {
    const mine = sitesWithRole(actor, ["coordinator", "manager"]);
    if (!actor.hubAdmin && mine.length === 0)
      throw forbidden(
        "kb.unanswered_forbidden",
        "Only coordinators, managers and hub admins see this report",
      );
    if (!site) return { siteIds: mine, siteless: actor.hubAdmin };
    const found = (await sites.resolveCodes([site])).found[0];
    if (!found || !mine.includes(found.id)) throw notFound("site.not_found", `No site ${site}`);
    return { siteIds: [found.id], siteless: false };
  }

  return {
    async report(actor: Actor, q: UnansweredQuery): Promise<UnansweredReport> {
      await written();
      const { siteIds, siteless } = await scope(actor, q.site);
      const since = q.since ? Date.parse(q.since) : clock.now() - 30 * DAY;
      if (Number.isNaN(since))
        throw invalid("kb.unanswered_since", "since is not a time", [
          { field: "since", message: "not a time" },
        ]);
      let query = db
        .selectFrom("kb_searches")
        .select(["query", "filters", "result_count", "user_id", "created_at"])
        .where("created_at", ">=", since)
        .where((eb) => eb.or([eb("result_count", "=", 0), eb("clicked_article_id", "is", null)]));
      query = query.where((eb) =>
        eb.or([
          eb("site_id", "in", siteIds.length ? siteIds : [-1]),
          ...(siteless ? [eb("site_id", "is", null)] : []),
        ]),
      );
      const rows = await query
        .orderBy("id", "desc")
        .limit(MAX_ROWS + 1)
        .execute();
      const groups = new Map<
        string,
        {
          count: number;
          noResult: number;
          search: number;
          chatbot: number;
          people: Set<number>;
          last: number;
        }
      >();
      for (const r of rows.slice(0, MAX_ROWS)) {
        const key = normaliseQuery(r.query);
        if (!key) continue;
        const g = groups.get(key) ?? {
          count: 0,
          noResult: 0,
          search: 0,
          chatbot: 0,
          people: new Set<number>(),
          last: 0,
        };
        g.count++;
        if (r.result_count === 0) g.noResult++;
        if (r.filters.includes('"source":"chatbot"')) g.chatbot++;
        else g.search++;
        if (r.user_id) g.people.add(r.user_id);
        g.last = Math.max(g.last, Number(r.created_at));
        groups.set(key, g);
      }
      const items = [...groups.entries()]
        .sort((a, b) => b[1].count - a[1].count || b[1].last - a[1].last)
        .slice(0, q.limit)
        .map(([key, g]) => ({
          query: key,
          count: g.count,
          noResult: g.noResult,
          search: g.search,
          chatbot: g.chatbot,
          people: g.people.size,
          lastAskedAt: toIso(g.last),
        }));
      return { since: toIso(since), truncated: rows.length > MAX_ROWS, items };
    },
  };
}
export type Unanswered = ReturnType<typeof createUnanswered>;

/** GET /kb/unanswered. */
export function kbUnansweredRoutes(app: App, unanswered: Unanswered) {
  app.get(
    "/kb/unanswered",
    {
      schema: {
        tags: ["knowledge base"],
        summary:
          "Questions the knowledge base did not answer (no result, or nothing opened or confirmed), grouped, most asked first (coordinators, managers, hub admins)",
        security: secured,
        querystring: unansweredQuery,
        response: { 200: unansweredReport },
      },
    },
    async (req) => unanswered.report(actorOf(req, "tickets:read"), req.query),
  );
}
