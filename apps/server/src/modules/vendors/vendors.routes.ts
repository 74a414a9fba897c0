import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import { vendorTeam, vendorTeamInput } from "./vendors.service.js";

/** Vendor teams (Level 3). */
export function vendorRoutes(app: App, { vendors }: AppContext) {
  const tags = ["vendors"];
  app.get(
    "/vendor-teams",
    {
      schema: {
        tags,
        summary: "Vendor teams",
        security: secured,
        response: { 200: z.object({ items: z.array(vendorTeam) }) },
      },
    },
    async (req) => {
      actorOf(req, "users:read");
      return { items: await vendors.list() };
    },
  );
  app.post(
    "/vendor-teams",
    {
      schema: {
        tags,
        summary: "Add a vendor team (hub admins)",
        security: secured,
        body: vendorTeamInput,
        response: { 201: vendorTeam },
      },
    },
    async (req, reply) => reply.status(201).send(await vendors.create(actorOf(req, "users:write"), req.body)),
  );
}
