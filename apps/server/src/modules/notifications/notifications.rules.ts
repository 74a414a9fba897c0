import type { Db } from "../../db/database.js";
import type { Jobs } from "../../jobs/jobs.js";
import { type Actor, systemActor } from "../../shared/actor.js";
import type { CategoriesService } from "../categories/categories.service.js";
import { ticketPolicy } from "../tickets/tickets.policy.js";
import { subjectOf, type TicketChange, type TicketsService } from "../tickets/tickets.service.js";
import type { UsersService } from "../users/users.service.js";
import type { NotificationRequest, RequesterNotice } from "./notifications.delivery.js";
import type { NotificationsRepository } from "./notifications.repository.js";

export const CHANGE_JOB = "notifications.ticket_changed";

type State = { status: string; assigneeId: number | null; tier: number; vendorTeamId: number | null };
/** What the ticket observer records of a write, for the job that works out who to tell. */
type ChangePayload = {
  ticketId: number;
  at: number;
  change: TicketChange;
  before: State | null;
  after: State;
};

type Deps = {
  jobs: Jobs;
  repo: NotificationsRepository;
  tickets: TicketsService;
  users: UsersService;
  categories: CategoriesService;
  queue: (tx: Db, req: NotificationRequest) => Promise<void>;
  queueRequester: (tx: Db, notice: RequesterNotice) => Promise<void>;
  db: Db;
};

/** Channels whose modules carry staff replies back to the requester (tickets.onWrite observers of theirs). */
const REPLYING_CHANNELS = ["email", "whatsapp"];
const LEVEL_ROLES: Record<number, readonly string[]> = { 1: ["site_admin"], 2: ["agent", "coordinator"] };
const stateOf = (t: {
  status: string;
  assignee_id: number | null;
  tier: number;
  vendor_team_id: number | null;
}): State => ({ status: t.status, assigneeId: t.assignee_id, tier: t.tier, vendorTeamId: t.vendor_team_id });

/**
 * Who hears about a ticket's changes: the requester on staff replies and status changes, the
 * assignee on assignment and on the requester's replies, watchers on every public change, and the
 * receiving level on a move (the expedited path already pages on-call people, so it is not doubled).
 * A write records a job in its transaction; the job reads what it needs afterwards.
 */
export function createNotificationRules(deps: Deps) {
  const { jobs, repo, tickets, users, categories, db } = deps;

  tickets.onWrite(async (tx, t, before, change, now) => {
    const worth =
      change.type === "created"
        ? t.assignee_id !== null
        : change.type === "updated"
          ? change.fields.includes("status") || change.fields.includes("assigneeId")
          : change.type === "message"
            ? change.kind === "reply"
            : true;
    if (!worth) return;
    const payload: ChangePayload = {
      ticketId: t.id,
      at: now,
      change,
      before: before && stateOf(before),
      after: stateOf(t),
    };
    await jobs.enqueue(tx, CHANGE_JOB, payload as unknown as Record<string, unknown>);
  });

  /** Reads a ticket's audit trail as the hub, with read-only rights at that one site. */
  const readerOf = (siteId: number): Actor => ({
    ...systemActor,
    hubAdmin: false,
    roles: new Map([[siteId, new Set(["manager" as const])]]),
  });

  /** Who made the change recorded at `at` (the last matching event), or null for the hub itself. */
  async function actorAt(key: string, siteId: number, at: number, types: string[]): Promise<number | null> {
    let afterId = 0;
    let found: number | null = null;
    for (;;) {
      const page = await tickets.events(readerOf(siteId), key, { afterId, limit: 500 });
      for (const e of page.items)
        if (types.includes(e.type) && Date.parse(e.createdAt) === at) found = e.actor?.id ?? null;
      if (!page.nextCursor) return found;
      afterId = Number(page.nextCursor);
    }
  }

  /** Watchers who may still read the ticket, without those to leave out. */
  async function watchersOf(ticketId: number, leaveOut: Array<number | null>): Promise<number[]> {
    const t = await tickets.rowById(ticketId);
    if (!t) return [];
    const out: number[] = [];
    for (const id of await repo.watcherIds(ticketId)) {
      if (leaveOut.includes(id)) continue;
      const actor = await users.loadActor(id, new Set(), "session");
      if (actor && ticketPolicy.read(actor, subjectOf(t))) out.push(id);
    }
    return out;
  }

  async function receivingLevel(siteId: number, s: State): Promise<number[]> {
    if (s.tier === 3) return s.vendorTeamId ? users.vendorTeamMemberIds(s.vendorTeamId) : [];
    return users.idsWithSiteRole(siteId, LEVEL_ROLES[s.tier] ?? []);
  }

  async function handle(p: ChangePayload) {
    const t = await tickets.rowById(p.ticketId);
    if (!t) return;
    const { change, before, after } = p;
    const occurrence = `ticket:${t.id}:${p.at}`;
    const label = `${t.key}: ${t.subject}`;
    const staff: NotificationRequest[] = [];
    const requester: RequesterNotice[] = [];
    const statusChanged = !!before && before.status !== after.status;

    if (change.type === "created" || change.type === "updated") {
      const actor =
        change.type === "created" ? t.created_by : await actorAt(t.key, t.site_id, p.at, ["ticket.updated"]);
      const assigned = after.assigneeId !== null && after.assigneeId !== (before?.assigneeId ?? null);
      if (assigned && after.assigneeId !== actor)
        staff.push({
          userIds: [after.assigneeId as number],
          kind: "ticket.assigned",
          ticketId: t.id,
          title: `${t.key} was assigned to you: ${t.subject}`,
          body: null,
          dedupeKey: `${occurrence}:assigned`,
        });
      if (statusChanged) {
        requester.push({
          ticketId: t.id,
          template: "status",
          status: after.status,
          dedupeKey: `${occurrence}:status`,
        });
        staff.push({
          userIds: await watchersOf(t.id, [actor]),
          kind: "watch.status",
          ticketId: t.id,
          title: `${label}: status ${before?.status} → ${after.status}`,
          body: null,
          dedupeKey: `${occurrence}:watch`,
        });
      }
    } else if (change.type === "message" && "messageId" in change) {
      const m = await tickets.messageRow(change.messageId);
      if (!m) return;
      const excerpt = m.body.slice(0, 1000);
      if (change.fromRequester) {
        const assignee = after.assigneeId ? [after.assigneeId] : [];
        staff.push({
          userIds: assignee,
          kind: "ticket.requester_replied",
          ticketId: t.id,
          title: `${label}: the requester replied`,
          body: excerpt,
          dedupeKey: `${occurrence}:replied`,
        });
        staff.push({
          userIds: await watchersOf(t.id, assignee),
          kind: "watch.reply",
          ticketId: t.id,
          title: `${label}: the requester replied`,
          body: excerpt,
          dedupeKey: `${occurrence}:watch`,
        });
      } else {
        // The email and WhatsApp channels send staff replies on their tickets themselves, in the thread.
        if (!REPLYING_CHANNELS.includes(t.channel))
          requester.push({
            ticketId: t.id,
            template: "reply",
            status: after.status,
            messageId: m.id,
            dedupeKey: `${occurrence}:reply`,
          });
        const names = m.author_user_id ? await users.names([m.author_user_id]) : new Map();
        staff.push({
          userIds: await watchersOf(t.id, [m.author_user_id]),
          kind: "watch.reply",
          ticketId: t.id,
          title: `${label}: ${names.get(m.author_user_id) ?? "staff"} replied`,
          body: statusChanged ? `${excerpt}\n(status ${before?.status} → ${after.status})` : excerpt,
          dedupeKey: `${occurrence}:watch`,
        });
      }
    } else if (change.type === "tier") {
      const up = change.to > change.from;
      // Expedited escalations page the receiving level's on-call people already (modules/escalation).
      if (!(up && (await categories.isExpedited(t.priority)))) {
        const actor = await actorAt(t.key, t.site_id, p.at, ["tier.changed"]);
        staff.push({
          userIds: (await receivingLevel(t.site_id, after)).filter((id) => id !== actor),
          kind: up ? "escalation.received" : "escalation.handed_back",
          ticketId: t.id,
          title: up
            ? `${t.key} was escalated to Level ${change.to}: ${t.subject}`
            : `${t.key} was handed back to Level ${change.to}: ${t.subject}`,
          body: null,
          dedupeKey: `${occurrence}:tier`,
        });
      }
    }
    if (!staff.some((s) => s.userIds.length) && !requester.length) return;
    await db.transaction().execute(async (tx) => {
      for (const s of staff) await deps.queue(tx, s);
      for (const r of requester) await deps.queueRequester(tx, r);
    });
  }

  jobs.register({
    name: CHANGE_JOB,
    retryLimit: 8,
    retryDelaySeconds: 5,
    leaseSeconds: 120,
    handler: (payload) => handle(payload as unknown as ChangePayload),
  });
}
