import { z } from "zod";
import type { AppContext } from "../../../app/context.js";
import { FILE_CSP } from "../../../app/headers.js";
import { type App, actorOf, secured } from "../../../app/http.js";
import { notFound } from "../../../shared/errors.js";
import { ticketParams } from "../../tickets/tickets.schemas.js";
import {
  emailSettings,
  emailSiteParams,
  mailboxCreate,
  mailboxParams,
  mailboxUpdate,
  mailboxView,
} from "./email.schemas.js";

const ticketEmail = z.object({
  id: z.number(),
  direction: z.enum(["in", "out"]),
  kind: z.string(),
  messageId: z.string(),
  from: z.string().nullable(),
  fromName: z.string().nullable().describe("the display name the sender gave (mail in)"),
  to: z.string().nullable(),
  subject: z.string().nullable(),
  status: z
    .string()
    .describe(
      "in: taken, held (from a sender the ticket does not know: an internal note for staff), ignored, bounce; out: queued, sent, failed",
    ),
  statusDetail: z.string().nullable(),
  ticketMessageId: z.number().nullable(),
  hasOriginal: z.boolean(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

/** The email channel's settings per site, and the mails of a ticket. */
export function emailRoutes(app: App, { email }: AppContext) {
  const tags = ["channels"];
  app.get(
    "/sites/:code/channels/email",
    {
      schema: {
        tags,
        summary: "The site's mailboxes (hub admins and the site's coordinators; passwords are never shown)",
        security: secured,
        params: emailSiteParams,
        response: { 200: emailSettings },
      },
    },
    async (req) => email.settings.get(actorOf(req, "sites:read"), req.params.code),
  );
  app.post(
    "/sites/:code/channels/email/mailboxes",
    {
      schema: {
        tags,
        summary: "Add a mailbox read over IMAP or fed by the SMTP listener (hub admins)",
        security: secured,
        params: emailSiteParams,
        body: mailboxCreate,
        response: { 201: mailboxView },
      },
    },
    async (req, reply) => {
      const created = await email.settings.create(actorOf(req, "sites:write"), req.params.code, req.body);
      return reply
        .status(201)
        .header("location", `/api/v1/sites/${req.params.code}/channels/email/mailboxes/${created.id}`)
        .send(created);
    },
  );
  app.patch(
    "/sites/:code/channels/email/mailboxes/:id",
    {
      schema: {
        tags,
        summary: "Change a mailbox; a password left out is kept, null removes it (hub admins)",
        security: secured,
        params: mailboxParams,
        body: mailboxUpdate,
        response: { 200: mailboxView },
      },
    },
    async (req) =>
      email.settings.update(actorOf(req, "sites:write"), req.params.code, req.params.id, req.body),
  );
  app.post(
    "/sites/:code/channels/email/mailboxes/:id/check",
    {
      schema: {
        tags,
        summary: "Read the mailbox over IMAP now, as a connection test (hub admins)",
        security: secured,
        params: mailboxParams,
        response: { 200: z.object({ taken: z.number() }) },
      },
    },
    async (req) => email.checkNow(actorOf(req, "sites:write"), req.params.code, req.params.id),
  );
  app.get(
    "/tickets/:key/emails",
    {
      schema: {
        tags,
        summary: "The mails of a ticket, in and out, with their delivery status (staff)",
        security: secured,
        params: ticketParams,
        response: { 200: z.object({ items: z.array(ticketEmail) }) },
      },
    },
    async (req) => ({ items: await email.ofTicket(actorOf(req, "tickets:read"), req.params.key) }),
  );
  app.get(
    "/tickets/:key/emails/:id/original",
    {
      schema: {
        tags,
        summary: "The original of a mail as received (message/rfc822, staff)",
        security: secured,
        params: ticketParams.extend({
          id: z.coerce
            .number()
            .int()
            .positive()
            .max(2 ** 31 - 1),
        }),
      },
    },
    async (req, reply) => {
      const raw = await email.original(actorOf(req, "tickets:read"), req.params.key, req.params.id);
      if (!raw) throw notFound("email.not_found", "No such mail on this ticket");
      return reply
        .type("message/rfc822")
        .header("content-disposition", `attachment; filename="${req.params.key}-${req.params.id}.eml"`)
        .header("content-security-policy", FILE_CSP)
        .send(raw);
    },
  );
}
