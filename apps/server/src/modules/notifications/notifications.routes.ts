import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import { ticketParams } from "../tickets/tickets.schemas.js";
import {
  deliveryView,
  notification,
  preferences,
  preferencesView,
  watchersView,
} from "./notifications.schemas.js";

/** My in-app notifications and settings, ticket watchers, and the delivery record of a ticket's notices. */
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
        params: z.strictObject({
          id: z.coerce
            .number()
            .int()
            .positive()
            .max(2 ** 31 - 1),
        }),
        response: { 204: z.undefined() },
      },
    },
    async (req, reply) => {
      await notifications.markRead(actorOf(req, "tickets:read"), req.params.id);
      return reply.status(204).send();
    },
  );
  app.get(
    "/notifications/preferences",
    {
      schema: {
        tags,
        summary: "My notification settings: channels and immediate or daily digest, overall and per kind",
        security: secured,
        response: { 200: preferencesView },
      },
    },
    async (req) => notifications.preferences(actorOf(req, "tickets:read")),
  );
  app.put(
    "/notifications/preferences",
    {
      schema: {
        tags,
        summary: "Replace my notification settings",
        security: secured,
        body: preferences,
        response: { 200: preferencesView },
      },
    },
    async (req) => notifications.setPreferences(actorOf(req, "tickets:write"), req.body),
  );
  app.get(
    "/tickets/:key/watchers",
    {
      schema: {
        tags,
        summary: "Who watches the ticket (staff)",
        security: secured,
        params: ticketParams,
        response: { 200: watchersView },
      },
    },
    async (req) => notifications.watchers(actorOf(req, "tickets:read"), req.params.key),
  );
  app.put(
    "/tickets/:key/watchers/me",
    {
      schema: {
        tags,
        summary: "Watch the ticket: be told of every public change (staff)",
        security: secured,
        params: ticketParams,
        response: { 200: watchersView },
      },
    },
    async (req) => notifications.watch(actorOf(req, "tickets:write"), req.params.key),
  );
  app.delete(
    "/tickets/:key/watchers/me",
    {
      schema: {
        tags,
        summary: "Stop watching the ticket",
        security: secured,
        params: ticketParams,
        response: { 200: watchersView },
      },
    },
    async (req) => notifications.unwatch(actorOf(req, "tickets:write"), req.params.key),
  );
  app.get(
    "/tickets/:key/notifications",
    {
      schema: {
        tags,
        summary: "Every delivery of the ticket's notices with its state, newest first (staff)",
        security: secured,
        params: ticketParams,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(deliveryView) }) },
      },
    },
    async (req) => ({
      items: await notifications.deliveries(actorOf(req, "tickets:read"), req.params.key, req.query.limit),
    }),
  );
}
