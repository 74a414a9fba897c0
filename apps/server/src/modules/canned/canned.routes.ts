import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import { canned, cannedCreate, cannedParams, cannedQuery, cannedUpdate } from "./canned.schemas.js";

/** Canned replies: read by staff, kept by hub admins and site coordinators. */
export function cannedRoutes(app: App, { canned: service }: AppContext) {
  const tags = ["canned replies"];
  app.get(
    "/canned-replies",
    {
      schema: {
        tags,
        summary: "Canned replies offered at a site (its own and the hub-wide ones), or at all my sites",
        security: secured,
        querystring: cannedQuery,
        response: { 200: z.object({ items: z.array(canned) }) },
      },
    },
    async (req) => ({ items: await service.list(actorOf(req, "tickets:read"), req.query.site) }),
  );
  app.post(
    "/canned-replies",
    {
      schema: {
        tags,
        summary: "Add a canned reply (hub admins; a site's coordinators for their site)",
        security: secured,
        body: cannedCreate,
        response: { 201: canned },
      },
    },
    async (req, reply) => reply.status(201).send(await service.create(actorOf(req, "sites:write"), req.body)),
  );
  app.patch(
    "/canned-replies/:id",
    {
      schema: {
        tags,
        summary: "Change a canned reply",
        security: secured,
        params: cannedParams,
        body: cannedUpdate,
        response: { 200: canned },
      },
    },
    async (req) => service.update(actorOf(req, "sites:write"), req.params.id, req.body),
  );
  app.delete(
    "/canned-replies/:id",
    {
      schema: {
        tags,
        summary: "Delete a canned reply",
        security: secured,
        params: cannedParams,
        response: { 204: z.undefined() },
      },
    },
    async (req, reply) => {
      await service.remove(actorOf(req, "sites:write"), req.params.id);
      return reply.status(204).send();
    },
  );
}
