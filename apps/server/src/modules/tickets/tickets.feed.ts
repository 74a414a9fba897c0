import type { Actor } from "../../shared/actor.js";
import type { TicketsCore } from "./tickets.core.js";
import { type TicketSubject, ticketPolicy, ticketScope } from "./tickets.policy.js";
import type { TicketFilter } from "./tickets.repository.js";

/** A list filter by names the API uses (site codes, `me` as assignee), as queues are defined. */
export type QueueFilter = Omit<TicketFilter, "siteIds" | "assignee"> & {
  sites?: string[];
  assignee?: "me" | "none" | number;
};

/** One change of the audit trail as the live stream needs it. */
export type TicketChangeEvent = {
  id: number;
  type: string;
  ticketKey: string;
  siteId: number;
  version: number;
  actorUserId: number | null;
  at: number;
  subject: TicketSubject;
};

/** Queue counts and the change feed that drives the staff workspace's live updates. */
export function createTicketFeed(core: TicketsCore) {
  const { repo, sites } = core;
  return {
    /** How many tickets the actor may see match each filter, counted in one query. */
    async countQueues(actor: Actor, filters: QueueFilter[]): Promise<number[]> {
      const codes = [...new Set(filters.flatMap((f) => f.sites ?? []))];
      const { found } = codes.length ? await sites.resolveCodes(codes) : { found: [] };
      const idOf = new Map(found.map((s) => [s.code, s.id]));
      return repo.counts(
        ticketScope(actor),
        filters.map(({ sites: siteCodes, assignee, ...rest }) => ({
          ...rest,
          ...(siteCodes ? { siteIds: siteCodes.flatMap((c) => idOf.get(c) ?? []) } : {}),
          ...(assignee !== undefined ? { assignee: assignee === "me" ? actor.userId : assignee } : {}),
        })),
      );
    },

    /** Audit-trail changes with an id above `fromId`, oldest first, for system readers (the live stream). */
    async changesSince(fromId: number, limit: number): Promise<TicketChangeEvent[]> {
      const rows = await repo.changes(fromId, limit);
      return rows.map((r) => ({
        id: r.id,
        type: r.type,
        ticketKey: r.key,
        siteId: r.site_id,
        version: r.version,
        actorUserId: r.actor_user_id,
        at: r.created_at,
        subject: {
          siteId: r.site_id,
          tier: r.tier,
          vendorTeamId: r.vendor_team_id,
          requesterUserId: r.requester_user_id,
        },
      }));
    },

    /** The id of the latest audit-trail change. */
    lastChangeId: () => repo.lastEventId(),

    /** Whether the actor may read a ticket (and its internal side) as the stream filters events. */
    mayRead: (actor: Actor, subject: TicketSubject, internal: boolean): boolean =>
      internal ? ticketPolicy.readInternal(actor, subject) : ticketPolicy.read(actor, subject),
  };
}
