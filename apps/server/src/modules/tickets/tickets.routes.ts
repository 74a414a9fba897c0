import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { FILE_CSP } from "../../app/headers.js";
import { type App, actorOf, secured, uploadedFiles } from "../../app/http.js";
import { badRequest } from "../../shared/errors.js";
import {
  attachment,
  eventPage,
  idempotencyKey,
  message,
  messageCreate,
  messagePage,
  pageQuery,
  ticketCreate,
  ticketDetail,
  ticketListQuery,
  ticketPage,
  ticketParams,
  ticketUpdate,
} from "./tickets.schemas.js";

const idempotencyHeaders = z.object({
  "idempotency-key": idempotencyKey
    .optional()
    .describe("Repeat a creation safely: the same key returns the ticket the first call made"),
});
const afterId = (cursor?: string) => {
  if (cursor === undefined) return 0;
  if (!/^\d{1,12}$/.test(cursor))
    throw badRequest("request.invalid_cursor", "The cursor is not one this server gave out", [
      { field: "cursor", message: "invalid cursor" },
    ]);
  return Number(cursor);
};

/** Tickets: list, open, read, change, the thread, the audit trail and attachments. */
export function ticketRoutes(app: App, { tickets }: AppContext) {
  const tags = ["tickets"];

  app.get(
    "/tickets",
    {
      schema: {
        tags,
        summary: "Tickets I may see, filtered, sorted, cursor-paginated",
        security: secured,
        querystring: ticketListQuery,
        response: { 200: ticketPage },
      },
    },
    async (req) => tickets.list(actorOf(req, "tickets:read"), req.query),
  );

  app.post(
    "/tickets",
    {
      schema: {
        tags,
        summary: "Open a ticket at Level 1 of a site",
        security: secured,
        headers: idempotencyHeaders,
        body: ticketCreate,
        response: { 200: ticketDetail, 201: ticketDetail },
      },
    },
    async (req, reply) => {
      const { ticket, replayed } = await tickets.create(
        actorOf(req, "tickets:write"),
        req.body,
        req.headers["idempotency-key"],
      );
      return reply
        .status(replayed ? 200 : 201)
        .header("location", `/api/v1/tickets/${ticket.key}`)
        .send(ticket);
    },
  );

  app.get(
    "/tickets/:key",
    {
      schema: {
        tags,
        summary: "One ticket with its tier history",
        security: secured,
        params: ticketParams,
        response: { 200: ticketDetail },
      },
    },
    async (req) => tickets.get(actorOf(req, "tickets:read"), req.params.key),
  );

  app.patch(
    "/tickets/:key",
    {
      schema: {
        tags,
        summary: "Change fields, status or assignee (each checked against the policies)",
        security: secured,
        params: ticketParams,
        body: ticketUpdate,
        response: { 200: ticketDetail },
      },
    },
    async (req) => tickets.update(actorOf(req, "tickets:write"), req.params.key, req.body),
  );

  app.get(
    "/tickets/:key/messages",
    {
      schema: {
        tags,
        summary: "The thread (internal notes only for staff)",
        security: secured,
        params: ticketParams,
        querystring: pageQuery,
        response: { 200: messagePage },
      },
    },
    async (req) =>
      tickets.messages(actorOf(req, "tickets:read"), req.params.key, {
        afterId: afterId(req.query.cursor),
        limit: req.query.limit,
      }),
  );

  app.post(
    "/tickets/:key/messages",
    {
      schema: {
        tags,
        summary: "Add a public reply or an internal note",
        security: secured,
        params: ticketParams,
        body: messageCreate,
        response: { 201: message },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await tickets.addMessage(actorOf(req, "tickets:write"), req.params.key, req.body)),
  );

  app.post(
    "/tickets/:key/messages/:id/accept",
    {
      schema: {
        tags,
        summary:
          "Accept mail held from an unverified sender as the requester's public reply (staff working the ticket)",
        description:
          "Mail that threads onto a ticket by its key or a Message-ID from an address the ticket does not know is held as an internal note (`sender.status` unverified). Accepting makes it the requester's reply from now on: public with its files, reopening the ticket and starting the next-response clock as their reply would; the real sender stays recorded.",
        security: secured,
        params: ticketParams.extend({
          id: z.coerce
            .number()
            .int()
            .positive()
            .max(2 ** 31 - 1),
        }),
        response: { 200: message },
      },
    },
    async (req) => tickets.acceptHeldMessage(actorOf(req, "tickets:write"), req.params.key, req.params.id),
  );

  app.get(
    "/tickets/:key/events",
    {
      schema: {
        tags,
        summary: "The audit trail (staff)",
        security: secured,
        params: ticketParams,
        querystring: pageQuery,
        response: { 200: eventPage },
      },
    },
    async (req) =>
      tickets.events(actorOf(req, "tickets:read"), req.params.key, {
        afterId: afterId(req.query.cursor),
        limit: req.query.limit,
      }),
  );

  app.get(
    "/tickets/:key/attachments",
    {
      schema: {
        tags,
        summary: "Attachments I may see",
        security: secured,
        params: ticketParams,
        response: { 200: z.object({ items: z.array(attachment) }) },
      },
    },
    async (req) => ({ items: await tickets.listAttachments(actorOf(req, "tickets:read"), req.params.key) }),
  );

  app.post(
    "/tickets/:key/attachments",
    {
      schema: {
        tags,
        summary:
          "Upload files (multipart/form-data, field `file`, repeatable); link them to a message with attachmentIds",
        security: secured,
        params: ticketParams,
        querystring: z.strictObject({ visibility: z.enum(["public", "internal"]).optional() }),
        consumes: ["multipart/form-data"],
        response: { 201: z.object({ items: z.array(attachment) }) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req, "tickets:write");
      if (!req.isMultipart())
        throw badRequest("attachment.not_multipart", "Upload files as multipart/form-data");
      const { ticket, visibility } = await tickets.prepareUpload(actor, req.params.key);
      const items = await tickets.uploadAttachments(
        actor,
        ticket,
        uploadedFiles(req),
        visibility(req.query.visibility),
      );
      return reply.status(201).send({ items });
    },
  );

  app.get(
    "/tickets/:key/attachments/:id",
    {
      schema: {
        tags,
        summary: "Download an attachment",
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
      const file = await tickets.openAttachment(actorOf(req, "tickets:read"), req.params.key, req.params.id);
      const disposition = `${file.inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(file.filename)}`;
      return reply
        .type(file.contentType)
        .header("content-length", file.size)
        .header("content-disposition", disposition)
        .header("content-security-policy", FILE_CSP)
        .send(file.stream);
    },
  );
}
