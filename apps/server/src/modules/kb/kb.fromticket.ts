import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import type { Db } from "../../db/database.js";
import { type Actor, hasRole } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { forbidden, invalid } from "../../shared/errors.js";
import { ticketParams } from "../tickets/tickets.schemas.js";
import type { TicketsService } from "../tickets/tickets.service.js";
import { article } from "./kb.schemas.js";
import type { KbService } from "./kb.service.js";

export const articleDraftInput = z.strictObject({
  collectionId: z
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1)
    .optional()
    .describe("The collection of the draft (default: the collection 'From tickets')"),
});

/** Who the requester is, to be left out of the article. */
export type Requester = {
  name: string | null;
  email: string | null;
  phone: string | null;
  whatsappId: string | null;
};

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A number as written with any spacing, dashes, dots or brackets between its digits. */
const digitsPattern = (value: string) => {
  const digits = value.replace(/\D/g, "");
  return digits.length >= 5 ? digits.split("").join("[\\s().-]*") : null;
};
// Starts only where a run of address characters starts: from inside one, it would be tried again from
// every character of a long word.
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// an international number (+ and at least 8 digits), however it is spaced
const PHONE = /\+\s*\d(?:[\s().-]*\d){7,}/g;

/**
 * The text without the requester's personal data: their name (whole and each part of three letters
 * or more), email, phone and WhatsApp id however spaced; any other email address or international
 * phone number is taken out too.
 */
export function redact(text: string, who: Requester): string {
  let out = text;
  if (who.email) out = out.replace(new RegExp(escapeRegex(who.email), "gi"), "[email removed]");
  out = out.replace(EMAIL, "[email removed]");
  for (const value of [who.phone, who.whatsappId]) {
    const pattern = value ? digitsPattern(value) : null;
    if (pattern) out = out.replace(new RegExp(`\\+?${pattern}`, "g"), "[phone removed]");
  }
  out = out.replace(PHONE, "[phone removed]");
  if (who.name) {
    const parts = [who.name.trim(), ...who.name.split(/\s+/).filter((p) => p.replace(/\W/g, "").length >= 3)];
    for (const part of parts)
      out = out.replace(
        new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegex(part)}(?![\\p{L}\\p{N}])`, "giu"),
        "[name removed]",
      );
  }
  return out.replace(/\[name removed\](\s+\[name removed\])+/g, "[name removed]");
}

/** A link to an article in a message: /kb/articles/12, absolute or relative, with or without /api/v1. */
const ARTICLE_LINK = /\/kb\/articles\/(\d{1,9})\b/g;

/** Turns a solved ticket into a draft article: its problem and how staff resolved it, without personal data. */
export function createTicketToArticle({
  db,
  clock,
  kb,
  tickets,
}: {
  db: Db;
  clock: Clock;
  kb: KbService;
  tickets: TicketsService;
}) {
  // a staff reply that links articles is evidence that they answer the ticket (kb.learning.ts)
  tickets.onWrite(async (tx, ticket, _before, change) => {
    if (change.type !== "message" || change.kind !== "reply" || change.fromRequester) return;
    const message = await tickets.messageRow(change.messageId, tx);
    if (!message?.author_user_id) return;
    const ids = [...message.body.matchAll(ARTICLE_LINK)].map((m) => Number(m[1]));
    if (ids.length > 0)
      await kb.learnFromStaffLink(
        tx,
        { id: ticket.id, subject: ticket.subject, siteId: ticket.site_id },
        ids,
      );
  });

  return {
    async draft(actor: Actor, key: string, input: z.infer<typeof articleDraftInput>) {
      const row = await tickets.visibleRow(actor, key);
      if (!actor.hubAdmin && !hasRole(actor, row.site_id, ["agent", "coordinator"]))
        throw forbidden(
          "kb.draft_forbidden",
          "Only the site's agents and coordinators turn tickets into articles",
        );
      const ticket = await tickets.get(actor, key);
      const messages = (await tickets.messages(actor, key, { afterId: 0, limit: 500 })).items;
      const first = messages[0];
      // staff public replies: replies written by a user, not by the requester's contact
      const replies = messages.filter((m) => m.kind === "reply" && m.author?.type === "user");
      if (!first || replies.length === 0)
        throw invalid("kb.no_resolution", "The ticket has no staff reply to make a resolution from");
      const who = ticket.requester;
      const clean = (s: string) => redact(s, who).trim();
      const body = [
        "## Problem",
        "",
        clean(first.body),
        "",
        "## Resolution",
        "",
        replies.map((m) => clean(m.body)).join("\n\n"),
        "",
        "---",
        "",
        `_Drafted from ticket ${ticket.key}; the requester's personal data was left out. Check before publishing._`,
      ].join("\n");
      const collectionId =
        input.collectionId ?? (await kb.ensureCollection("from-tickets", "From tickets")).id;
      const created = await kb.createArticle(actor, {
        collectionId,
        title: clean(ticket.subject).slice(0, 300) || ticket.key,
        body,
        language: "en",
        audiences: [],
        versions: ticket.productVersion ? [ticket.productVersion] : [],
        product: ticket.product,
        status: "draft",
      });
      await db.transaction().execute((tx) =>
        tickets.recordSystemChange(
          tx,
          row.id,
          {},
          [
            {
              type: "kb.article_drafted",
              actorUserId: actor.userId || null,
              after: { articleId: created.id, title: created.title },
            },
          ],
          clock.now(),
        ),
      );
      return created;
    },
  };
}
export type TicketToArticle = ReturnType<typeof createTicketToArticle>;

/** POST /tickets/{key}/article-draft. */
export function articleDraftRoutes(app: App, { ticketToArticle }: AppContext) {
  app.post(
    "/tickets/:key/article-draft",
    {
      schema: {
        tags: ["knowledge base"],
        summary:
          "Turn a ticket into a draft article: subject, problem and the staff's resolution, without the requester's personal data (agents, coordinators)",
        security: secured,
        params: ticketParams,
        body: articleDraftInput.optional(),
        response: { 201: article },
      },
    },
    async (req, reply) => {
      const created = await ticketToArticle.draft(
        actorOf(req, "tickets:write"),
        req.params.key,
        req.body ?? {},
      );
      return reply.status(201).header("location", `/api/v1/kb/articles/${created.id}`).send(created);
    },
  );
}
