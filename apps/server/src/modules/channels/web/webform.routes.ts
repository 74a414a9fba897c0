import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { AppContext } from "../../../app/context.js";
import { FILE_CSP } from "../../../app/headers.js";
import { type App, actorOf, optionalAuth, secured, uploadedFiles } from "../../../app/http.js";
import type { Actor } from "../../../shared/actor.js";
import { badRequest, forbidden } from "../../../shared/errors.js";
import { idempotencyKey } from "../../tickets/tickets.schemas.js";
import {
  confirmation,
  linkRequest,
  portalMessage,
  publicRequest,
  receipt,
  replyCreate,
  requestCreate,
  requestParams,
  suggestions,
  suggestionsQuery,
  tokenQuery,
  uploads,
} from "./webform.schemas.js";

const idempotencyHeaders = z.object({
  "idempotency-key": idempotencyKey
    .optional()
    .describe(
      "Send the form again safely: the same key from the same person with the same request answers the first request (without its link); with another request, 422 idempotency.key_reused",
    ),
});

/**
 * Whoever sends a request or a file: nobody, a session, or a token that may write tickets. A token
 * without that scope is refused rather than taken as nobody, so it cannot open tickets in its owner's name.
 */
function writer(req: FastifyRequest): Actor | null {
  if (req.actor && !req.actor.scopes.has("tickets:write"))
    throw forbidden("auth.scope_missing", "This token lacks the tickets:write scope");
  return req.actor;
}

/** The requester portal's web form: suggestions, requests with or without an account, and the signed link. */
export function webFormRoutes(app: App, { webForm }: AppContext) {
  const tags = ["portal"];

  app.get(
    "/portal/suggestions",
    {
      schema: {
        tags,
        summary: "Articles that may answer the request being typed (rate-limited per address)",
        security: optionalAuth,
        querystring: suggestionsQuery,
        response: { 200: suggestions },
      },
    },
    async (req) => webForm.suggestions(req.actor, req.query, req.ip),
  );

  app.post(
    "/portal/requests",
    {
      schema: {
        tags,
        summary: "Send a request from the web form, signed in or with a name and an email",
        description:
          "Answers 429 with Retry-After past the spam limits per address and per person. The receipt's link is also emailed to the requester. A token needs the tickets:write scope.",
        security: optionalAuth,
        headers: idempotencyHeaders,
        body: requestCreate,
        response: { 200: receipt, 201: receipt },
      },
    },
    async (req, reply) => {
      const { receipt: r, replayed } = await webForm.submit(writer(req), req.body, {
        ip: req.ip,
        ...(req.headers["idempotency-key"] ? { idempotencyKey: req.headers["idempotency-key"] } : {}),
      });
      return reply.status(replayed ? 200 : 201).send(r);
    },
  );

  app.get(
    "/portal/requests/:key",
    {
      schema: {
        tags,
        summary: "A request through its signed link: status and public replies",
        security: optionalAuth,
        params: requestParams,
        querystring: tokenQuery,
        response: { 200: publicRequest },
      },
    },
    async (req) => webForm.read(req.params.key, req.query.token),
  );

  app.post(
    "/portal/requests/:key/replies",
    {
      schema: {
        tags,
        summary: "Answer a request through its signed link",
        security: optionalAuth,
        params: requestParams,
        querystring: tokenQuery,
        body: replyCreate,
        response: { 201: portalMessage },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await webForm.reply(req.params.key, req.query.token, req.body)),
  );

  app.get(
    "/portal/requests/:key/attachments/:id",
    {
      schema: {
        tags,
        summary: "Download a public file of a request through its signed link",
        security: optionalAuth,
        params: requestParams.extend({
          id: z.coerce
            .number()
            .int()
            .positive()
            .max(2 ** 31 - 1),
        }),
        querystring: tokenQuery,
      },
    },
    async (req, reply) => {
      const file = await webForm.attachment(req.params.key, req.query.token, req.params.id);
      const disposition = `${file.inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(file.filename)}`;
      return reply
        .type(file.contentType)
        .header("content-length", file.size)
        .header("content-disposition", disposition)
        .header("content-security-policy", FILE_CSP)
        .send(file.stream);
    },
  );

  app.post(
    "/portal/requests/:key/confirm",
    {
      schema: {
        tags,
        summary: "Confirm, from the link mailed to it, the address an anonymous request was sent under",
        description:
          "The request then belongs to the site's contact for that address, and to the account with that address if there is one (it shows among that person's requests); the answer carries a fresh link. Until confirmed, staff see the requester as unverified.",
        security: optionalAuth,
        params: requestParams,
        body: confirmation,
        response: { 200: receipt },
      },
    },
    async (req) => webForm.confirm(req.params.key, req.body.token),
  );

  app.post(
    "/portal/links",
    {
      schema: {
        tags,
        summary: "Mail a new link to each recent request sent from an address (rate-limited)",
        description:
          "Answers 202 alike whether or not the address is known; the links go only to the address. 429 with Retry-After past the limits per client address and per email address.",
        security: optionalAuth,
        body: linkRequest,
        response: { 202: z.undefined().describe("nothing to tell") },
      },
    },
    async (req, reply) => {
      await webForm.requestLinks(req.body, req.ip);
      return reply.status(202).send();
    },
  );

  app.delete(
    "/tickets/:key/requester-links",
    {
      schema: {
        tags: ["tickets"],
        summary:
          "Revoke every private link of the ticket's requester issued so far (working staff of its site)",
        description:
          "The links answer 410 portal.link_revoked from now on; the requester can ask for a new one by mail on the portal.",
        security: secured,
        params: requestParams,
        response: { 204: z.undefined() },
      },
    },
    async (req, reply) => {
      await webForm.revokeLinks(actorOf(req, "tickets:write"), req.params.key);
      return reply.status(204).send();
    },
  );

  app.post(
    "/portal/uploads",
    {
      schema: {
        tags,
        summary: "Upload files (multipart/form-data, field `file`, repeatable) to name in a request or reply",
        security: optionalAuth,
        consumes: ["multipart/form-data"],
        response: { 201: uploads },
      },
    },
    async (req, reply) => {
      writer(req);
      if (!req.isMultipart())
        throw badRequest("attachment.not_multipart", "Upload files as multipart/form-data");
      return reply.status(201).send(await webForm.upload(uploadedFiles(req), req.ip));
    },
  );
}
