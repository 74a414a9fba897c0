import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, secured } from "../../app/http.js";
import { siteParams } from "../sites/sites.schemas.js";
import { ticketParams } from "../tickets/tickets.schemas.js";
import { slaPoliciesInput, slaPolicy, ticketTimes } from "./sla.schemas.js";

/** Service-level policies per site, and each ticket's clocks and time at each level. */
export function slaRoutes(app: App, { sla }: AppContext) {
  const tags = ["sla"];
  app.get(
    "/sites/:code/sla-policies",
    {
      schema: {
        tags,
        summary: "The site's SLA policies",
        security: secured,
        params: siteParams,
        response: { 200: z.object({ policies: z.array(slaPolicy) }) },
      },
    },
    async (req) => ({ policies: await sla.policies(actorOf(req, "sites:read"), req.params.code) }),
  );
  app.put(
    "/sites/:code/sla-policies",
    {
      schema: {
        tags,
        summary: "Replace the site's SLA policies (hub admins); open tickets get the new targets",
        security: secured,
        params: siteParams,
        body: slaPoliciesInput,
        response: { 200: z.object({ policies: z.array(slaPolicy) }) },
      },
    },
    async (req) => ({
      policies: await sla.setPolicies(actorOf(req, "sites:write"), req.params.code, req.body.policies),
    }),
  );
  app.get(
    "/tickets/:key/sla",
    {
      schema: {
        tags,
        summary: "The ticket's SLA clocks (running, paused, met, breached) and its time at each level",
        security: secured,
        params: ticketParams,
        response: { 200: ticketTimes },
      },
    },
    async (req) => sla.times(actorOf(req, "tickets:read"), req.params.key),
  );
}
