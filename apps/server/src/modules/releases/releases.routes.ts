import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import {
  release,
  releaseCreate,
  releaseDetail,
  releaseListQuery,
  releaseParams,
  releaseUpdate,
} from "./releases.schemas.js";

/** Product releases: plan, change, ship or cancel, with the tickets deferred to them. */
export function releaseRoutes(app: App, { releases, deferrals }: AppContext) {
  const tags = ["releases"];
  app.get(
    "/releases",
    {
      schema: {
        tags,
        summary: "Releases, filtered by product and status (staff)",
        security: secured,
        querystring: releaseListQuery,
        response: { 200: z.object({ items: z.array(release) }) },
      },
    },
    async (req) => ({ items: await releases.list(actorOf(req, "tickets:read"), req.query) }),
  );
  app.post(
    "/releases",
    {
      schema: {
        tags,
        summary: "Plan a release (hub admins, agents and coordinators)",
        security: secured,
        body: releaseCreate,
        response: { 201: release },
      },
    },
    async (req, reply) => {
      const created = await releases.create(actorOf(req, "tickets:write"), req.body);
      return reply.status(201).header("location", `/api/v1/releases/${created.id}`).send(created);
    },
  );
  app.get(
    "/releases/:id",
    {
      schema: {
        tags,
        summary: "One release with the deferred tickets in it that I may see",
        security: secured,
        params: releaseParams,
        response: { 200: releaseDetail },
      },
    },
    async (req) => {
      const actor = actorOf(req, "tickets:read");
      const found = await releases.get(actor, req.params.id);
      return { ...found, deferredTickets: await deferrals.inRelease(actor, found.id) };
    },
  );
  app.patch(
    "/releases/:id",
    {
      schema: {
        tags,
        summary:
          "Change the planned date or notes, or cancel a planned release (its deferred tickets reopen)",
        security: secured,
        params: releaseParams,
        body: releaseUpdate,
        response: { 200: release },
      },
    },
    async (req) => releases.update(actorOf(req, "tickets:write"), req.params.id, req.body),
  );
  app.post(
    "/releases/:id/ship",
    {
      schema: {
        tags,
        summary: "Mark a planned release shipped; its deferred tickets are resolved in the background",
        security: secured,
        params: releaseParams,
        response: { 200: release },
      },
    },
    async (req) => releases.ship(actorOf(req, "tickets:write"), req.params.id),
  );
}
