import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import { site, siteInput, siteParams, siteUpdate } from "./sites.schemas.js";

/** Sites: list, read, create and configure. */
export function siteRoutes(app: App, { sites }: AppContext) {
  const tags = ["sites"];
  app.get(
    "/sites",
    {
      schema: {
        tags,
        summary: "Sites I belong to (all, for hub admins)",
        security: secured,
        response: { 200: z.object({ items: z.array(site) }) },
      },
    },
    async (req) => ({ items: await sites.list(actorOf(req, "sites:read")) }),
  );
  app.post(
    "/sites",
    {
      schema: {
        tags,
        summary: "Add a site (hub admins)",
        security: secured,
        body: siteInput,
        response: { 201: site },
      },
    },
    async (req, reply) => reply.status(201).send(await sites.create(actorOf(req, "sites:write"), req.body)),
  );
  app.get(
    "/sites/:code",
    { schema: { tags, summary: "One site", security: secured, params: siteParams, response: { 200: site } } },
    async (req) => sites.get(actorOf(req, "sites:read"), req.params.code),
  );
  app.patch(
    "/sites/:code",
    {
      schema: {
        tags,
        summary: "Change a site (hub admins)",
        security: secured,
        params: siteParams,
        body: siteUpdate,
        response: { 200: site },
      },
    },
    async (req) => sites.update(actorOf(req, "sites:write"), req.params.code, req.body),
  );
}
