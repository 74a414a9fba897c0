import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import { siteParams } from "../sites/sites.schemas.js";
import { ticketDetail, ticketParams } from "../tickets/tickets.schemas.js";
import {
  dossierInput,
  dossierQuery,
  dossierVersions,
  dossierView,
  escalationInput,
  escalationOptions,
  onCall,
  onCallInput,
} from "./escalation.schemas.js";

/** Escalation between levels, the Level 3 dossier and the on-call rota. */
export function escalationRoutes(app: App, { escalation }: AppContext) {
  const tags = ["escalation"];

  app.post(
    "/tickets/:key/escalations",
    {
      schema: {
        tags,
        summary: "Escalate a ticket one level up, or hand it back one level down with an answer",
        description:
          "Level 3 needs a complete dossier (422 escalation.dossier_incomplete lists every missing field). " +
          "Critical tickets may skip one level and page the receiving level's on-call people. " +
          "204 when the caller can no longer see the ticket afterwards (an engineer handing it back).",
        security: secured,
        params: ticketParams,
        body: escalationInput,
        response: { 200: ticketDetail, 204: z.undefined() },
      },
    },
    async (req, reply) => {
      const ticket = await escalation.escalate(actorOf(req, "tickets:write"), req.params.key, req.body);
      return ticket ? reply.send(ticket) : reply.status(204).send();
    },
  );

  app.get(
    "/tickets/:key/escalation",
    {
      schema: {
        tags,
        summary: "The level moves I may make, with the category's criteria and what the dossier still lacks",
        security: secured,
        params: ticketParams,
        response: { 200: escalationOptions },
      },
    },
    async (req) => escalation.options(actorOf(req, "tickets:read"), req.params.key),
  );

  app.put(
    "/tickets/:key/dossier",
    {
      schema: {
        tags,
        summary: "Save a new version of the Level 3 dossier (partial drafts allowed)",
        security: secured,
        params: ticketParams,
        body: dossierInput,
        response: { 200: dossierView },
      },
    },
    async (req) => escalation.putDossier(actorOf(req, "tickets:write"), req.params.key, req.body),
  );

  app.get(
    "/tickets/:key/dossier",
    {
      schema: {
        tags,
        summary: "The latest (or a given) dossier version, as JSON for a vendor tracker or as Markdown",
        security: secured,
        params: ticketParams,
        querystring: dossierQuery,
        response: { 200: z.union([dossierView, z.string().describe("format=markdown: text/markdown")]) },
      },
    },
    async (req, reply) => {
      const view = await escalation.dossier(actorOf(req, "tickets:read"), req.params.key, req.query.version);
      if (req.query.format === "json") return view;
      return reply.type("text/markdown; charset=utf-8").send(escalation.dossierMarkdown(view));
    },
  );

  app.get(
    "/tickets/:key/dossier/versions",
    {
      schema: {
        tags,
        summary: "Every stored dossier version, oldest first",
        security: secured,
        params: ticketParams,
        response: { 200: dossierVersions },
      },
    },
    async (req) => ({
      items: await escalation.dossierVersions(actorOf(req, "tickets:read"), req.params.key),
    }),
  );

  app.get(
    "/sites/:code/on-call",
    {
      schema: {
        tags,
        summary: "The site's on-call people per level (hub admins and the site's coordinators)",
        security: secured,
        params: siteParams,
        response: { 200: onCall },
      },
    },
    async (req) => escalation.onCall(actorOf(req, "sites:read"), req.params.code),
  );

  app.put(
    "/sites/:code/on-call",
    {
      schema: {
        tags,
        summary: "Replace the site's on-call rota (hub admins and the site's coordinators)",
        security: secured,
        params: siteParams,
        body: onCallInput,
        response: { 200: onCall },
      },
    },
    async (req) => escalation.setOnCall(actorOf(req, "sites:write"), req.params.code, req.body.entries),
  );
}
