import { z } from "zod";
import type { AppContext } from "../../../app/context.js";
import { type App, optionalAuth, uploadedFiles } from "../../../app/http.js";
import { badRequest } from "../../../shared/errors.js";
import { idempotencyKey } from "../../tickets/tickets.schemas.js";
import {
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
    .describe("Send the form again safely: the same key from the same person returns the first request"),
});

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
          "Answers 429 with Retry-After past the spam limits per address and per person. The receipt's link is also emailed to the requester.",
        security: optionalAuth,
        headers: idempotencyHeaders,
        body: requestCreate,
        response: { 200: receipt, 201: receipt },
      },
    },
    async (req, reply) => {
      const { receipt: r, replayed } = await webForm.submit(req.actor, req.body, {
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
        params: requestParams.extend({ id: z.coerce.number().int().positive() }),
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
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", "private, max-age=3600")
        .send(file.stream);
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
      if (!req.isMultipart())
        throw badRequest("attachment.not_multipart", "Upload files as multipart/form-data");
      return reply.status(201).send(await webForm.upload(uploadedFiles(req), req.ip));
    },
  );
}
