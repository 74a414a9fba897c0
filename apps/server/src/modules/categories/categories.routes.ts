import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import {
  category,
  categoryInput,
  categoryListQuery,
  categoryParams,
  priority,
  priorityInput,
} from "./categories.schemas.js";

/** Reference data: categories with their escalation criteria, and priorities. */
export function categoryRoutes(app: App, { categories }: AppContext) {
  const tags = ["reference data"];
  app.get(
    "/categories",
    {
      schema: {
        tags,
        summary: "Ticket categories with the escalation criteria for each target tier",
        security: secured,
        querystring: categoryListQuery,
        response: { 200: z.object({ items: z.array(category) }) },
      },
    },
    async (req) => ({
      items: await categories.list(actorOf(req, "tickets:read"), {
        includeInactive: req.query.includeInactive === "true",
      }),
    }),
  );
  app.put(
    "/categories/:key",
    {
      schema: {
        tags,
        summary: "Create or change a category (hub admins)",
        security: secured,
        params: categoryParams,
        body: categoryInput,
        response: { 200: category, 201: category },
      },
    },
    async (req, reply) => {
      const result = await categories.put(actorOf(req, "sites:write"), req.params.key, req.body);
      return reply.status(result.created ? 201 : 200).send(result.category);
    },
  );
  app.get(
    "/priorities",
    {
      schema: {
        tags,
        summary: "Ticket priorities by rank; expedited ones may skip a level and page on-call people",
        security: secured,
        response: { 200: z.object({ items: z.array(priority) }) },
      },
    },
    async (req) => {
      actorOf(req, "tickets:read");
      return { items: await categories.listPriorities() };
    },
  );
  app.put(
    "/priorities/:key",
    {
      schema: {
        tags,
        summary: "Create or change a priority (hub admins)",
        security: secured,
        params: categoryParams,
        body: priorityInput,
        response: { 200: priority, 201: priority },
      },
    },
    async (req, reply) => {
      const result = await categories.putPriority(actorOf(req, "sites:write"), req.params.key, req.body);
      return reply.status(result.created ? 201 : 200).send(result.priority);
    },
  );
}
