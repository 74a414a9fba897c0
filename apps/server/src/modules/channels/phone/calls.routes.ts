import type { AppContext } from "../../../app/context.js";
import { type App, actorOf, secured } from "../../../app/http.js";
import { call, callCreate, callListQuery, callPage, siteParams } from "./calls.schemas.js";

/** Logged phone calls of a site. */
export function callRoutes(app: App, { calls }: AppContext) {
  const tags = ["phone calls"];
  app.post(
    "/sites/:code/calls",
    {
      schema: {
        tags,
        summary:
          "Log a phone call: it opens a ticket with channel phone, or becomes an internal note on `ticketKey`",
        security: secured,
        params: siteParams,
        body: callCreate,
        response: { 201: call },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await calls.log(actorOf(req, "tickets:write"), req.params.code, req.body)),
  );
  app.get(
    "/sites/:code/calls",
    {
      schema: {
        tags,
        summary: "The site's logged calls, latest first",
        security: secured,
        params: siteParams,
        querystring: callListQuery,
        response: { 200: callPage },
      },
    },
    async (req) => calls.list(actorOf(req, "tickets:read"), req.params.code, req.query),
  );
}
