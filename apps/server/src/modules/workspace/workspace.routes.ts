import type { OutgoingHttpHeaders } from "node:http";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, actorReloader, secured } from "../../app/http.js";
import type { LiveEvent } from "./workspace.live.js";
import {
  presence,
  presenceInput,
  presenceParams,
  queueList,
  savedView,
  savedViewInput,
  savedViewParams,
  savedViewUpdate,
} from "./workspace.schemas.js";

/** Comment lines keep proxies and browsers from closing a quiet stream. */
const HEARTBEAT_MS = 25_000;

const frame = (e: LiveEvent) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;

/** The staff workspace: queues with counts, saved views, the live event stream and presence. */
export function workspaceRoutes(app: App, { workspace, live, auth }: AppContext) {
  const tags = ["workspace"];

  app.get(
    "/queues",
    {
      schema: {
        tags,
        summary: "My queues (built-in, then my saved views) with their ticket counts, in one request",
        security: secured,
        response: { 200: queueList },
      },
    },
    async (req) => ({ items: await workspace.queues(actorOf(req, "tickets:read")) }),
  );

  app.get(
    "/views",
    {
      schema: {
        tags,
        summary: "My saved views",
        security: secured,
        response: { 200: z.object({ items: z.array(savedView) }) },
      },
    },
    async (req) => ({ items: await workspace.listViews(actorOf(req, "tickets:read")) }),
  );

  app.post(
    "/views",
    {
      schema: {
        tags,
        summary: "Save a view: a name and the queue filters",
        security: secured,
        body: savedViewInput,
        response: { 201: savedView },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await workspace.createView(actorOf(req, "tickets:read"), req.body)),
  );

  app.patch(
    "/views/:id",
    {
      schema: {
        tags,
        summary: "Rename a saved view or change its filters",
        security: secured,
        params: savedViewParams,
        body: savedViewUpdate,
        response: { 200: savedView },
      },
    },
    async (req) => workspace.updateView(actorOf(req, "tickets:read"), req.params.id, req.body),
  );

  app.delete(
    "/views/:id",
    {
      schema: {
        tags,
        summary: "Delete a saved view",
        security: secured,
        params: savedViewParams,
        response: { 204: z.undefined() },
      },
    },
    async (req, reply) => {
      await workspace.deleteView(actorOf(req, "tickets:read"), req.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    "/tickets/:key/presence",
    {
      schema: {
        tags,
        summary: "Say I am viewing or replying to a ticket (a heartbeat); answers who else is on it",
        description: "The others on the ticket get a `presence` event on their live stream.",
        security: secured,
        params: presenceParams,
        body: presenceInput,
        response: { 200: presence },
      },
    },
    async (req) => live.heartbeat(actorOf(req, "tickets:read"), req.params.key, req.body.mode),
  );

  app.get(
    "/events/stream",
    {
      schema: {
        tags,
        summary: "Live updates (server-sent events) of the tickets I may read",
        description:
          "text/event-stream. Events: `ticket.created`, `ticket.updated`, `message.added` " +
          "(data: ticket key, site, version, the audit event's type, whether it is internal) and " +
          "`presence` (who else is viewing or replying to a ticket). A comment every 25 s keeps it open. " +
          "The stream ends when its session or token does (sign-out, revocation, the person disabled); " +
          "a change of the person's sites narrows it within seconds.",
        security: secured,
        produces: ["text/event-stream"],
        response: { 200: z.string().describe("an event stream") },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req, "tickets:read");
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...(reply.getHeaders() as OutgoingHttpHeaders),
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      res.write(`retry: 5000\n\n${frame({ event: "ready", data: {} })}`);
      let closed = false;
      const heartbeat = setInterval(() => res.write(": ping\n\n"), HEARTBEAT_MS);
      const unsubscribe = await live.subscribe(
        actor,
        (e) => {
          if (closed) return;
          if (e.event === "bye") end();
          else res.write(frame(e));
        },
        actorReloader(req, auth, "tickets:read"),
      );
      function end() {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        res.end();
      }
      req.raw.on("close", end);
    },
  );
}
