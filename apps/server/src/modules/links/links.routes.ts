import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import { ticketParams } from "../tickets/tickets.schemas.js";
import { link, linkCreate, linkParams, mergeInput } from "./links.schemas.js";

/** Links between tickets and merging duplicates. */
export function linkRoutes(app: App, { links, tickets }: AppContext) {
  const tags = ["tickets"];
  const list = z.object({ items: z.array(link) });
  app.get(
    "/tickets/:key/links",
    {
      schema: {
        tags,
        summary: "The tickets linked to this one (related, duplicates) that I may see",
        security: secured,
        params: ticketParams,
        response: { 200: list },
      },
    },
    async (req) => ({ items: await links.list(actorOf(req, "tickets:read"), req.params.key) }),
  );
  app.post(
    "/tickets/:key/links",
    {
      schema: {
        tags,
        summary: "Link another ticket as related (the same problem, at any site I may see)",
        security: secured,
        params: ticketParams,
        body: linkCreate,
        response: { 201: list },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req, "tickets:write");
      await links.link(actor, req.params.key, req.body.ticket);
      return reply.status(201).send({ items: await links.list(actor, req.params.key) });
    },
  );
  app.delete(
    "/tickets/:key/links/:id",
    {
      schema: {
        tags,
        summary: "Remove a related link",
        security: secured,
        params: linkParams,
        response: { 204: z.undefined() },
      },
    },
    async (req, reply) => {
      await links.unlink(actorOf(req, "tickets:write"), req.params.key, req.params.id);
      return reply.status(204).send();
    },
  );
  app.post(
    "/tickets/:key/merge",
    {
      schema: {
        tags,
        summary: "Merge this ticket into another of the same site as its duplicate (this one is closed)",
        security: secured,
        params: ticketParams,
        body: mergeInput,
        response: { 200: z.object({ key: z.string(), status: z.string() }) },
      },
    },
    async (req) => {
      const actor = actorOf(req, "tickets:write");
      await links.merge(actor, req.params.key, req.body.into, req.body.message);
      const t = await tickets.get(actor, req.params.key);
      return { key: t.key, status: t.status };
    },
  );
}
