import type { Db } from "../../db/database.js";
import { isUniqueViolation } from "../../db/database.js";
import type { Actor } from "../../shared/actor.js";
import { actorUserId } from "../../shared/actor.js";
import { toIso, toIsoOrNull } from "../../shared/clock.js";
import { forbidden, invalid } from "../../shared/errors.js";
import { decodeCursor, encodeCursor } from "../../shared/pagination.js";
import { authorize } from "../../shared/policy.js";
import { createTicketAttachments } from "./tickets.attachments.js";
import {
  createTicketsCore,
  cursorFits,
  type Deps,
  RetryableConflict,
  SORTS,
  subjectOf,
  type TicketObserver,
} from "./tickets.core.js";
import { versionConflict } from "./tickets.errors.js";
import { createTicketFeed } from "./tickets.feed.js";
import { createTicketHeld } from "./tickets.held.js";
import { createTicketIntake } from "./tickets.intake.js";
import { newTicketRow } from "./tickets.numbers.js";
import { ticketCreatePolicy, ticketPolicy, ticketScope } from "./tickets.policy.js";
import type { EventInput, TicketRow } from "./tickets.repository.js";
import type {
  Status,
  TicketCreate,
  TicketDetail,
  TicketListQuery,
  TicketUpdate,
  TicketView,
} from "./tickets.schemas.js";
import { assertTransition, statusTimes } from "./tickets.status.js";
import { createTicketThread } from "./tickets.thread.js";
import { createTicketWorkflow } from "./tickets.workflow.js";

export { subjectOf, type TicketChange, type TicketObserver } from "./tickets.core.js";

/** Tickets: creation with per-site keys, lists, reading and changing; the thread, files and workflow are parts. */
export function createTicketsService(deps: Deps) {
  const core = createTicketsCore(deps);
  const {
    db,
    clock,
    sites,
    contacts,
    repo,
    observers,
    notify,
    openTicket,
    views,
    visible,
    assertAssignable,
    retrying,
    checkReference,
  } = core;
  return {
    ...createTicketThread(core),
    ...createTicketAttachments(core),
    ...createTicketWorkflow(core),
    ...createTicketIntake(core),
    ...createTicketFeed(core),
    ...createTicketHeld(core),
    /** Opens a ticket at Level 1 of its site. A repeated request key returns the first ticket. */
    async create(
      actor: Actor,
      input: TicketCreate,
      requestKey?: string,
    ): Promise<{ ticket: TicketDetail; replayed: boolean }> {
      const { found } = await sites.resolveCodes([input.site]);
      const site = found[0];
      if (!site)
        throw invalid("ticket.unknown_site", `No site ${input.site}`, [
          { field: "site", message: "unknown site" },
        ]);
      if (!ticketCreatePolicy.create(actor, site.id))
        throw forbidden("ticket.create_forbidden", `You may not open tickets at ${site.code}`);
      const forOthers = ticketCreatePolicy.createForOthers(actor, site.id);
      if (
        !forOthers &&
        (input.requester || input.assigneeId || (input.channel && !["web", "api"].includes(input.channel)))
      ) {
        throw forbidden("ticket.create_forbidden", "Requesters open tickets for themselves only");
      }
      if (forOthers && !input.requester) {
        throw invalid("ticket.requester_required", "Say who the request is from", [
          { field: "requester", message: "required" },
        ]);
      }
      if (requestKey) {
        const existing = await repo.findByRequestKey(actor.userId, requestKey);
        if (existing) return { ticket: await this.get(actor, existing.key), replayed: true };
      }
      if (input.assigneeId)
        await assertAssignable(input.assigneeId, { site_id: site.id, tier: 1, vendor_team_id: null });
      const rank = (await checkReference(input.category, input.priority)) as number;
      const channel = input.channel ?? (actor.via === "token" ? "api" : "web");
      try {
        const opened = await retrying(() =>
          db.transaction().execute(async (tx) => {
            const now = clock.now();
            const contact = await contacts.findOrCreate(
              tx,
              site.id,
              input.requester ?? { email: actor.email, name: actor.name, userId: actor.userId },
            );
            const { ticket } = await openTicket(tx, {
              siteCode: site.code,
              ticket: newTicketRow({
                site_id: site.id,
                subject: input.subject,
                priority: input.priority,
                priority_rank: rank,
                category: input.category,
                channel,
                contact_id: contact.id,
                assignee_id: input.assigneeId ?? null,
                product: input.product ?? site.product,
                module: input.module ?? null,
                product_version: input.productVersion ?? null,
                tags: input.tags,
                created_by: actorUserId(actor),
                create_request_key: requestKey ?? null,
                now,
              }),
              message: {
                kind: "reply",
                author_user_id: forOthers ? null : actorUserId(actor),
                author_contact_id: contact.id,
                body: input.description,
                channel,
              },
              actorUserId: actorUserId(actor),
              requesterUserId: contact.user_id,
            });
            return ticket;
          }),
        );
        return { ticket: await this.get(actor, opened.key), replayed: false };
      } catch (e) {
        // Two retries of the same request raced; the loser returns the winner's ticket.
        if (requestKey && isUniqueViolation(e)) {
          const existing = await repo.findByRequestKey(actor.userId, requestKey);
          if (existing) return { ticket: await this.get(actor, existing.key), replayed: true };
        }
        throw e;
      }
    },

    async list(
      actor: Actor,
      q: TicketListQuery,
    ): Promise<{ items: TicketView[]; nextCursor: string | null }> {
      const sort = SORTS[q.sort];
      let siteIds: number[] | undefined;
      if (q.site) siteIds = (await sites.resolveCodes(q.site)).found.map((s) => s.id);
      const after = q.cursor ? (decodeCursor(q.cursor, 2) as [number | null, number]) : null;
      // A forged cursor, or one from another sort, must not reach the database as an out-of-range value.
      if (after && !cursorFits(after, sort)) decodeCursor("", 2);
      const rows = await repo.list(
        ticketScope(actor),
        {
          siteIds,
          statuses: q.status,
          tiers: q.tier,
          priorities: q.priority,
          categories: q.category,
          assignee: q.assignee === "me" ? actor.userId : q.assignee,
          contactId: q.requester,
          slaStates: q.sla,
          q: q.q,
        },
        sort,
        after,
        q.limit + 1,
      );
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      const nextCursor = rows.length > q.limit && last ? encodeCursor([last[sort.column], last.id]) : null;
      return { items: await views(actor, page), nextCursor };
    },

    async get(actor: Actor, key: string): Promise<TicketDetail> {
      // One statement: the ticket, its requester and assignee, and its tier history.
      const { tierHistory, ...row } = core.readable(actor, await repo.detailByKey(key));
      const [view] = await views(actor, [row]);
      const now = clock.now();
      return {
        ...(view as TicketView),
        tierHistory: tierHistory.map((s) => ({
          tier: s.tier,
          enteredAt: toIso(s.enteredAt),
          leftAt: toIsoOrNull(s.leftAt),
          durationMs: (s.leftAt ?? now) - s.enteredAt,
          reason: s.reason,
        })),
      };
    },

    async update(actor: Actor, key: string, patch: TicketUpdate): Promise<TicketDetail> {
      const rank = await checkReference(patch.category, patch.priority);
      await retrying(async () => {
        const t = await visible(actor, key);
        const subj = subjectOf(t);
        if (patch.expectedVersion !== undefined && patch.expectedVersion !== t.version)
          throw versionConflict(t.version);
        const before: Record<string, unknown> = {};
        const after: Record<string, unknown> = {};
        const set: Partial<TicketRow> = {};
        const change = (field: string, from: unknown, to: unknown) => {
          if (to === undefined || JSON.stringify(from) === JSON.stringify(to)) return false;
          before[field] = from;
          after[field] = to;
          return true;
        };
        const now = clock.now();
        if (change("status", t.status, patch.status) && patch.status) {
          authorize(actor, ticketPolicy.changeStatus, subj);
          assertTransition(t.status as Status, patch.status);
          Object.assign(set, { status: patch.status }, statusTimes(patch.status, now, t));
        }
        if (change("assigneeId", t.assignee_id, patch.assigneeId)) {
          authorize(actor, ticketPolicy.assign, subj);
          if (patch.assigneeId) await assertAssignable(patch.assigneeId, t);
          set.assignee_id = patch.assigneeId ?? null;
        }
        const plain: Array<[string, keyof TicketRow, unknown]> = [
          ["subject", "subject", patch.subject],
          ["priority", "priority", patch.priority],
          ["category", "category", patch.category],
          ["product", "product", patch.product],
          ["module", "module", patch.module],
          ["productVersion", "product_version", patch.productVersion],
        ];
        for (const [field, column, value] of plain) {
          if (change(field, t[column], value)) {
            authorize(actor, ticketPolicy.update, subj);
            Object.assign(set, { [column]: value });
          }
        }
        if (set.priority && rank !== undefined) set.priority_rank = rank;
        const tags = patch.tags ? [...new Set(patch.tags)] : undefined;
        if (change("tags", JSON.parse(t.tags), tags)) {
          authorize(actor, ticketPolicy.update, subj);
          set.tags = JSON.stringify(tags);
        }
        if (!Object.keys(after).length) return;
        await db.transaction().execute(async (tx) => {
          if (!(await repo.update(tx, t.id, t.version, { ...set, updated_at: now }))) {
            if (patch.expectedVersion !== undefined) throw versionConflict(t.version + 1);
            throw new RetryableConflict();
          }
          await repo.addEvents(
            tx,
            t.id,
            [{ type: "ticket.updated", actorUserId: actorUserId(actor), before, after }],
            now,
          );
          await notify(tx, key, t, { type: "updated", fields: Object.keys(after) }, now);
        });
      });
      return this.get(actor, key);
    },

    /** Registers an observer of every ticket write (wired once at start-up). */
    onWrite(observer: TicketObserver): void {
      observers.push(observer);
    },

    /** Records events and a system-computed summary (SLA) on a ticket, in the caller's transaction. */
    async recordSystemChange(
      tx: Db,
      ticketId: number,
      summary: { sla_due_at?: number | null; sla_state?: string | null },
      events: EventInput[],
      now: number,
    ): Promise<void> {
      if (Object.keys(summary).length) await repo.setSummary(tx, ticketId, summary);
      await repo.addEvents(tx, ticketId, events, now);
    },

    /** A ticket row by id for system work (SLA sweeps, jobs) that acts on no one's behalf. */
    rowById: (id: number, exec: Db = db) => repo.findById(id, exec),

    /** Locks tickets' rows for a transaction that then writes their clocks or events (see lockRows). */
    lockRows: (tx: Db, ids: number[]) => repo.lockRows(tx, ids),

    /** Writes the SLA summaries of many tickets at once (after a calendar or policy change). */
    recordSlaSummaries: (
      tx: Db,
      rows: Array<{ ticketId: number; sla_due_at: number | null; sla_state: string | null }>,
    ) => repo.setSummaries(tx, rows),

    /** The ticket row if the actor may read it (404 otherwise), for other modules' checks. */
    visibleRow: (actor: Actor, key: string, exec?: Db) => visible(actor, key, exec),
  };
}
export type TicketsService = ReturnType<typeof createTicketsService>;
