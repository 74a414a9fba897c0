import type { Db } from "../../db/database.js";
import type { Actor } from "../../shared/actor.js";
import { actorUserId } from "../../shared/actor.js";
import { type MoveOptions, RetryableConflict, type TicketsCore } from "./tickets.core.js";
import { ticketClosed } from "./tickets.errors.js";
import type { EventInput, TicketRow } from "./tickets.repository.js";
import type { Status } from "./tickets.schemas.js";
import { assertTransition, statusTimes } from "./tickets.status.js";

/** Level moves and workflow status changes, made by other modules (escalation, deferral, releases). */
export function createTicketWorkflow(core: TicketsCore) {
  const { db, clock, repo, notify, visible, retrying, isAssignable } = core;
  return {
    /**
     * Moves a ticket to another level, closing one tier-history segment and opening the next. Callers
     * check who may; `inTx` adds their own writes (dossier, notifications) to the same transaction.
     */
    async moveTier(
      actor: Actor,
      key: string,
      tier: number,
      reason: string,
      options: MoveOptions = {},
    ): Promise<void> {
      await retrying(async () => {
        const t = await visible(actor, key);
        const now = clock.now();
        const teamAfter = options.vendorTeamId !== undefined ? options.vendorTeamId : t.vendor_team_id;
        // The assignee stays only if they may hold the ticket at its new level (an engineer handing back does not).
        const keepsAssignee =
          t.assignee_id === null ||
          (await isAssignable(t.assignee_id, { site_id: t.site_id, tier, vendor_team_id: teamAfter }));
        await db.transaction().execute(async (tx) => {
          const set: Partial<TicketRow> = { tier, updated_at: now };
          if (options.vendorTeamId !== undefined) set.vendor_team_id = options.vendorTeamId;
          if (!keepsAssignee) set.assignee_id = null;
          if (options.status && options.status !== t.status) {
            assertTransition(t.status as Status, options.status);
            Object.assign(set, { status: options.status }, statusTimes(options.status, now, t));
          }
          if (!(await repo.update(tx, t.id, t.version, set))) throw new RetryableConflict();
          await repo.moveTier(tx, t.id, tier, now, actorUserId(actor), reason);
          await repo.addEvents(
            tx,
            t.id,
            [
              {
                type: "tier.changed",
                actorUserId: actorUserId(actor),
                before: {
                  tier: t.tier,
                  ...(set.status ? { status: t.status } : {}),
                  ...(keepsAssignee ? {} : { assigneeId: t.assignee_id }),
                },
                after: {
                  tier,
                  reason,
                  ...(set.status ? { status: set.status } : {}),
                  ...(keepsAssignee ? {} : { assigneeId: null }),
                  ...options.event,
                },
              },
            ],
            now,
          );
          await options.inTx?.(tx, t);
          await notify(tx, key, t, { type: "tier", from: t.tier, to: tier }, now);
        });
      });
    },

    /**
     * A status change made by a workflow (deferral, a shipped release) rather than by hand: it may
     * enter or leave "deferred", and can post a public message from the hub to the requester. Callers
     * check who may; `inTx` adds their own writes to the same transaction.
     */
    async workflowTransition(
      actor: Actor,
      key: string,
      status: Status,
      options: {
        event: Record<string, unknown>;
        message?: string;
        inTx?: (tx: Db, ticket: TicketRow) => Promise<void>;
      },
    ): Promise<void> {
      await retrying(async () => {
        const t = await visible(actor, key);
        if (t.status === "closed") throw ticketClosed();
        const now = clock.now();
        await db.transaction().execute(async (tx) => {
          const set: Partial<TicketRow> = { status, updated_at: now, ...statusTimes(status, now, t) };
          if (!(await repo.update(tx, t.id, t.version, set))) throw new RetryableConflict();
          const events: EventInput[] = [
            {
              type: "ticket.updated",
              actorUserId: actorUserId(actor),
              before: { status: t.status },
              after: { status, ...options.event },
            },
          ];
          if (options.message) {
            const { id } = await repo.insertMessage(tx, {
              ticket_id: t.id,
              kind: "reply",
              author_user_id: null,
              author_contact_id: null,
              body: options.message,
              channel: "system",
              created_at: now,
            });
            events.push({
              type: "reply.added",
              actorUserId: actorUserId(actor),
              after: { messageId: id, system: true },
            });
          }
          await repo.addEvents(tx, t.id, events, now);
          await options.inTx?.(tx, t);
          await notify(tx, key, t, { type: "updated", fields: ["status"] }, now);
        });
      });
    },

    /** Gives every ticket of a priority its new sort rank (the priority's rank was changed). */
    async rerankPriority(key: string, rank: number): Promise<void> {
      await db.updateTable("tickets").set({ priority_rank: rank }).where("priority", "=", key).execute();
    },
  };
}
