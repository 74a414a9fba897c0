import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import { notification } from "./notifications.service.js";

/** My in-app notifications. */
export function notificationRoutes(app: App, { notifications }: AppContext) {
  const tags = ["notifications"];
  app.get(
    "/notifications",
    {
      schema: {
        tags,
        summary: "My notifications, newest first",
        security: secured,
        querystring: z.strictObject({
          unread: z.enum(["true", "false"]).default("false"),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(notification) }) },
      },
    },
    async (req) => ({
      items: await notifications.list(actorOf(req, "tickets:read"), {
        unreadOnly: req.query.unread === "true",
        limit: req.query.limit,
      }),
    }),
  );
  app.post(
    "/notifications/:id/read",
    {
      schema: {
        tags,
        summary: "Mark a notification read",
        security: secured,
        params: z.strictObject({ id: z.coerce.number().int().positive() }),
        response: { 204: z.undefined() },
      },
    },
    async (req, reply) => {
      await notifications.markRead(actorOf(req, "tickets:read"), req.params.id);
      return reply.status(204).send();
    },
  );
}
