import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import {
  deferral,
  deferralApproval,
  deferralCreate,
  deferralParams,
  deferralRejection,
  ticketDeferralsParams,
} from "./deferrals.schemas.js";

/** Deferral of Level 3 tickets to a maintenance release: propose, approve, reject, list. */
export function deferralRoutes(app: App, { deferrals }: AppContext) {
  const tags = ["deferrals"];
  app.get(
    "/tickets/:key/deferrals",
    {
      schema: {
        tags,
        summary: "The deferral proposals and decisions of a ticket (staff)",
        security: secured,
        params: ticketDeferralsParams,
        response: { 200: z.object({ items: z.array(deferral) }) },
      },
    },
    async (req) => ({ items: await deferrals.list(actorOf(req, "tickets:read"), req.params.key) }),
  );
  app.post(
    "/tickets/:key/deferrals",
    {
      schema: {
        tags,
        summary: "Propose deferring a Level 3 ticket to a planned release (agents and coordinators)",
        security: secured,
        params: ticketDeferralsParams,
        body: deferralCreate,
        response: { 201: deferral },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await deferrals.propose(actorOf(req, "tickets:write"), req.params.key, req.body)),
  );
  app.post(
    "/tickets/:key/deferrals/:id/approve",
    {
      schema: {
        tags,
        summary: "Approve a proposal (a coordinator other than the proposer); the ticket becomes deferred",
        security: secured,
        params: deferralParams,
        body: deferralApproval,
        response: { 200: deferral },
      },
    },
    async (req) =>
      deferrals.approve(actorOf(req, "tickets:write"), req.params.key, req.params.id, req.body.note),
  );
  app.post(
    "/tickets/:key/deferrals/:id/reject",
    {
      schema: {
        tags,
        summary: "Reject a proposal with a note (a coordinator other than the proposer)",
        security: secured,
        params: deferralParams,
        body: deferralRejection,
        response: { 200: deferral },
      },
    },
    async (req) =>
      deferrals.reject(actorOf(req, "tickets:write"), req.params.key, req.params.id, req.body.note),
  );
}
