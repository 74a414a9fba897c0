import type { Db } from "../../db/database.js";
import { type Actor, actorUserId } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso } from "../../shared/clock.js";
import { conflict, forbidden, invalid, notFound } from "../../shared/errors.js";
import type { SitesService } from "../sites/sites.service.js";
import { ticketPolicy } from "../tickets/tickets.policy.js";
import type { TicketRow } from "../tickets/tickets.repository.js";
import { subjectOf, type TicketsService } from "../tickets/tickets.service.js";
import { createLinksRepository } from "./links.repository.js";
import type { LinkView } from "./links.schemas.js";

const linkNotFound = () => notFound("link.not_found", "No such link on this ticket");
const mayWork = (actor: Actor, t: TicketRow) => ticketPolicy.update(actor, subjectOf(t));

/** Links between tickets (the same problem at several sites) and merging a duplicate into another ticket. */
export function createLinksService({
  db,
  clock,
  tickets,
  sites,
}: {
  db: Db;
  clock: Clock;
  tickets: TicketsService;
  sites: SitesService;
}) {
  const repo = createLinksRepository(db);

  function assertWorks(actor: Actor, t: TicketRow) {
    if (!mayWork(actor, t)) throw forbidden("link.forbidden", `You may not change ${t.key}`);
  }

  /** The other ticket, which must exist for the actor and differ from the first. */
  async function other(actor: Actor, t: TicketRow, key: string): Promise<TicketRow> {
    if (key === t.key)
      throw invalid("link.same_ticket", "A ticket cannot be linked to itself", [
        { field: "ticket", message: "the same ticket" },
      ]);
    try {
      return await tickets.visibleRow(actor, key);
    } catch {
      throw invalid("link.unknown_ticket", `No ticket ${key} that you may see`, [
        { field: "ticket", message: "unknown ticket" },
      ]);
    }
  }

  return {
    /** The ticket's links to tickets the actor may read, each with what the actor may do. */
    async list(actor: Actor, key: string): Promise<LinkView[]> {
      const t = await tickets.visibleRow(actor, key);
      const out: LinkView[] = [];
      for (const l of await repo.ofTicket(t.id)) {
        const outgoing = l.ticket_id === t.id;
        const o = await tickets.rowById(outgoing ? l.other_ticket_id : l.ticket_id);
        if (!o || !ticketPolicy.read(actor, subjectOf(o))) continue;
        out.push({
          id: l.id,
          kind: l.kind as LinkView["kind"],
          direction: outgoing ? "outgoing" : "incoming",
          ticket: {
            key: o.key,
            subject: o.subject,
            status: o.status as LinkView["ticket"]["status"],
            site: (await sites.codes([o.site_id])).get(o.site_id) ?? "",
          },
          createdAt: toIso(l.created_at),
          actions: l.kind === "related" && mayWork(actor, t) ? ["delete"] : [],
        });
      }
      return out;
    },

    /** Links two tickets as related (the same problem, possibly at different sites). */
    async link(actor: Actor, key: string, otherKey: string): Promise<void> {
      const t = await tickets.visibleRow(actor, key);
      assertWorks(actor, t);
      const o = await other(actor, t, otherKey);
      await db.transaction().execute(async (tx) => {
        await tickets.lockRows(tx, [t.id, o.id]);
        if (await repo.between(t.id, o.id, tx))
          throw conflict("link.exists", `${key} and ${otherKey} are already linked`, [
            { field: "ticket", message: "already linked" },
          ]);
        const now = clock.now();
        await repo.insert(tx, {
          ticket_id: t.id,
          other_ticket_id: o.id,
          kind: "related",
          created_by: actorUserId(actor),
          created_at: now,
        });
        const by = actorUserId(actor);
        await tickets.recordSystemChange(
          tx,
          t.id,
          {},
          [{ type: "link.added", actorUserId: by, after: { related: o.key } }],
          now,
        );
        await tickets.recordSystemChange(
          tx,
          o.id,
          {},
          [{ type: "link.added", actorUserId: by, after: { related: t.key } }],
          now,
        );
      });
    },

    /** Removes a "related" link (a merge stays recorded). */
    async unlink(actor: Actor, key: string, id: number): Promise<void> {
      const t = await tickets.visibleRow(actor, key);
      const l = await repo.find(id);
      if (!l || (l.ticket_id !== t.id && l.other_ticket_id !== t.id) || l.kind !== "related")
        throw linkNotFound();
      assertWorks(actor, t);
      const otherId = l.ticket_id === t.id ? l.other_ticket_id : l.ticket_id;
      await db.transaction().execute(async (tx) => {
        await tickets.lockRows(tx, [t.id, otherId]);
        await repo.remove(tx, id);
        const o = await tickets.rowById(otherId, tx);
        const now = clock.now();
        await tickets.recordSystemChange(
          tx,
          t.id,
          {},
          [{ type: "link.removed", actorUserId: actorUserId(actor), before: { related: o?.key ?? null } }],
          now,
        );
      });
    },

    /**
     * Merges a duplicate into the ticket that stays: the duplicate is closed with a reply telling its
     * requester where the work goes on, and both tickets record the merge, in one transaction.
     */
    async merge(actor: Actor, key: string, into: string, message?: string): Promise<void> {
      const t = await tickets.visibleRow(actor, key);
      assertWorks(actor, t);
      const target = await other(actor, t, into);
      assertWorks(actor, target);
      if (target.site_id !== t.site_id)
        throw invalid(
          "link.merge_other_site",
          "Merge duplicates of the same site; link tickets of other sites",
          [{ field: "into", message: "another site's ticket" }],
        );
      if (target.status === "closed")
        throw invalid("link.merge_into_closed", `${into} is closed`, [
          { field: "into", message: "closed ticket" },
        ]);
      await tickets.workflowTransition(actor, key, "closed", {
        event: { mergedInto: target.key },
        message: message ?? `This request is a duplicate of ${target.key} and continues there.`,
        inTx: async (tx) => {
          await tickets.lockRows(tx, [target.id]);
          const existing = await repo.between(t.id, target.id, tx);
          if (existing) await repo.remove(tx, existing.id);
          const now = clock.now();
          await repo.insert(tx, {
            ticket_id: t.id,
            other_ticket_id: target.id,
            kind: "duplicate-of",
            created_by: actorUserId(actor),
            created_at: now,
          });
          await tickets.recordSystemChange(
            tx,
            target.id,
            {},
            [
              {
                type: "ticket.merged",
                actorUserId: actorUserId(actor),
                after: { duplicate: t.key, subject: t.subject },
              },
            ],
            now,
          );
        },
      });
    },
  };
}
export type LinksService = ReturnType<typeof createLinksService>;
