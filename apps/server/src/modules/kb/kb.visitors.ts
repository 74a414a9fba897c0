import type { FastifyRequest } from "fastify";
import { actorOf } from "../../app/http.js";
import { type Actor, visitorActor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { AppError } from "../../shared/errors.js";
import { createRateLimiter } from "../../shared/rate-limit.js";
import type { SitesService } from "../sites/sites.service.js";

/** What the public portal may read without an account: published guides tagged for end users. */
export const VISITOR_AUDIENCE = "end_user" as const;

/** Readers of the knowledge base: signed-in people as themselves, anyone else as a visitor of a site. */
export function createKbReaders({ sites, clock }: { sites: SitesService; clock: Clock }) {
  // Anonymous reading is the public portal's; a generous per-address cap keeps scrapers from owning the server.
  const perAddress = createRateLimiter({ limit: 300, windowMs: 60_000, now: clock.now });
  return {
    /** The actor to read as, and whether it is an anonymous visitor (who sees end-user guides only). */
    async reader(req: FastifyRequest, siteCode?: string): Promise<{ actor: Actor; visitor: boolean }> {
      if (req.actor) return { actor: actorOf(req, "tickets:read"), visitor: false };
      const wait = perAddress.blockedFor(req.ip);
      if (wait > 0)
        throw new AppError(429, "kb.too_many_requests", "Too many requests; try again later", undefined, {
          "retry-after": String(wait),
        });
      perAddress.hit(req.ip);
      const site = siteCode ? (await sites.resolveCodes([siteCode])).found[0] : undefined;
      return { actor: visitorActor(site?.id ?? null), visitor: true };
    },
  };
}
