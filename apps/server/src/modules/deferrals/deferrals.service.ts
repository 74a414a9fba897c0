import type { Db, Dialect } from "../../db/database.js";
import type { Jobs } from "../../jobs/jobs.js";
import { type Actor, systemActor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso, toIsoOrNull } from "../../shared/clock.js";
import { AppError } from "../../shared/errors.js";
import { allowedActions } from "../../shared/policy.js";
import type { NotificationsService } from "../notifications/notifications.service.js";
import type { DeferredTicketView } from "../releases/releases.schemas.js";
import type { ReleaseRow, ReleasesService } from "../releases/releases.service.js";
import type { SitesService } from "../sites/sites.service.js";
import { ticketPolicy } from "../tickets/tickets.policy.js";
import type { TicketRow } from "../tickets/tickets.repository.js";
import { subjectOf, type TicketsService } from "../tickets/tickets.service.js";
import type { UsersService } from "../users/users.service.js";
import {
  alreadyDecided,
  alreadyInRelease,
  decideForbidden,
  deferralNotFound,
  deferralReadForbidden,
  notLevel3,
  pendingExists,
  productMismatch,
  proposeForbidden,
  releaseNotPlanned,
  releaseUnknown,
  samePerson,
  ticketFinished,
} from "./deferrals.errors.js";
import { label, messages } from "./deferrals.messages.js";
import { deferralActionPolicy, deferralPolicy } from "./deferrals.policy.js";
import { createDeferralsRepository, type DeferralRow } from "./deferrals.repository.js";
import type { DeferralCreate, DeferralState, DeferralView } from "./deferrals.schemas.js";

/** The job that moves the tickets of a shipped or cancelled release on. */
export const SETTLE_RELEASE_JOB = "deferrals.settle_release";

type Deps = {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  jobs: Jobs;
  tickets: TicketsService;
  releases: ReleasesService;
  notifications: NotificationsService;
  users: UsersService;
  sites: SitesService;
};

const FINISHED = ["resolved", "closed"];

/** The ticket was no longer deferred when a release settled; it is left as it is. */
class NotDeferred extends Error {}
const isGone = (e: unknown) =>
  e instanceof NotDeferred ||
  (e instanceof AppError && (e.code === "ticket.closed" || e.code === "ticket.not_found"));

/**
 * Deferral of Level 3 tickets to a maintenance release: an agent or coordinator proposes, another
 * person (a coordinator) approves or rejects. When the release ships its deferred tickets are
 * resolved; when it is cancelled they go back to open.
 */
export function createDeferralsService(deps: Deps) {
  const { db, dialect, clock, jobs, tickets, releases, notifications, users, sites } = deps;
  const repo = createDeferralsRepository(db, dialect);

  async function views(actor: Actor, t: TicketRow, rows: DeferralRow[]): Promise<DeferralView[]> {
    const releaseRows = new Map<number, ReleaseRow>();
    for (const id of new Set(rows.map((d) => d.release_id))) {
      const r = await releases.find(id);
      if (r) releaseRows.set(id, r);
    }
    const names = await users.names(
      rows.flatMap((d) => [d.proposed_by, ...(d.decided_by ? [d.decided_by] : [])]),
    );
    const ticket = subjectOf(t);
    return rows.map((d) => {
      const r = releaseRows.get(d.release_id) as ReleaseRow;
      return {
        id: d.id,
        ticketKey: t.key,
        release: {
          id: r.id,
          product: r.product,
          version: r.version,
          plannedDate: r.planned_date,
          status: r.status,
        },
        state: d.state as DeferralState,
        reason: d.reason,
        proposedBy: { id: d.proposed_by, name: names.get(d.proposed_by) ?? "" },
        decidedBy: d.decided_by ? { id: d.decided_by, name: names.get(d.decided_by) ?? "" } : null,
        decisionNote: d.decision_note,
        createdAt: toIso(d.created_at),
        decidedAt: toIsoOrNull(d.decided_at),
        actions: allowedActions(deferralActionPolicy, actor, {
          ticket,
          state: d.state,
          proposedBy: d.proposed_by,
        }),
      };
    });
  }

  async function view(actor: Actor, key: string, id: number): Promise<DeferralView> {
    const t = await tickets.visibleRow(actor, key);
    const d = (await repo.find(t.id, id)) as DeferralRow;
    return (await views(actor, t, [d]))[0] as DeferralView;
  }

  /** The enabled coordinators of a site, who decide its deferrals. */
  async function coordinatorsOf(siteId: number): Promise<number[]> {
    const code = (await sites.codes([siteId])).get(siteId);
    if (!code) return [];
    const list = await users.list(systemActor, { site: code, role: "coordinator" });
    return list.filter((u) => !u.disabled).map((u) => u.id);
  }

  /** Loads a ticket and one of its waiting proposals, and checks the actor may decide it. */
  async function decidable(actor: Actor, key: string, id: number) {
    const t = await tickets.visibleRow(actor, key);
    const d = await repo.find(t.id, id);
    if (!d) throw deferralNotFound();
    if (!deferralPolicy.decide(actor, subjectOf(t))) throw decideForbidden();
    if (d.proposed_by === actor.userId) throw samePerson();
    if (d.state !== "proposed") throw alreadyDecided(d.state);
    return { t, d };
  }

  const people = (...ids: Array<number | null>) => [
    ...new Set(ids.filter((id): id is number => id !== null)),
  ];

  /** Resolves a deferred ticket of a shipped release, with a message naming the release. */
  async function resolveShipped(r: ReleaseRow, d: DeferralRow, key: string): Promise<void> {
    await tickets.workflowTransition(systemActor, key, "resolved", {
      event: { releaseId: r.id, release: label(r), deferralId: d.id, cause: "release.shipped" },
      message: messages.shipped(r),
      inTx: async (tx, before) => {
        if (before.status !== "deferred") throw new NotDeferred();
        await notifications.queue(tx, {
          userIds: people(d.proposed_by, before.assignee_id),
          kind: "release.shipped",
          ticketId: before.id,
          title: `${before.key}: fixed in ${label(r)}, which has shipped`,
          body: `${before.subject}\nThe ticket is now resolved.`,
          dedupeKey: `release.shipped:${r.id}:${before.id}`,
        });
      },
    });
  }

  /** Puts a deferred ticket of a cancelled release back to open and unlinks it from the release. */
  async function reopenCancelled(r: ReleaseRow, d: DeferralRow, key: string): Promise<void> {
    const note = `Release ${label(r)} was cancelled`;
    await tickets.workflowTransition(systemActor, key, "open", {
      event: { releaseId: r.id, release: label(r), deferralId: d.id, cause: "release.cancelled" },
      message: messages.cancelled(r),
      inTx: async (tx, before) => {
        if (before.status !== "deferred") throw new NotDeferred();
        await repo.cancelApproved(tx, d.id, note, clock.now());
        await notifications.queue(tx, {
          userIds: people(d.proposed_by, before.assignee_id),
          kind: "release.cancelled",
          ticketId: before.id,
          title: `${before.key}: release ${label(r)} was cancelled; the ticket is open again`,
          body: before.subject,
          dedupeKey: `release.cancelled:${r.id}:${before.id}`,
        });
      },
    });
  }

  /**
   * Moves the tickets deferred to a shipped or cancelled release on. Idempotent: each ticket moves in
   * its own transaction only while it is still deferred, so a second run (or one after a crash half-way)
   * leaves the tickets already moved alone.
   */
  async function settleRelease(releaseId: number): Promise<void> {
    const r = await releases.find(releaseId);
    if (!r || r.status === "planned") return;
    for (const d of await repo.approvedIn(r.id)) {
      const t = await tickets.rowById(d.ticket_id);
      try {
        if (!t) throw new NotDeferred();
        if (r.status === "shipped") await resolveShipped(r, d, t.key);
        else await reopenCancelled(r, d, t.key);
      } catch (e) {
        if (!isGone(e)) throw e;
        if (r.status === "cancelled")
          await repo.cancelApproved(db, d.id, `Release ${label(r)} was cancelled`, clock.now());
      }
    }
  }

  jobs.register({
    name: SETTLE_RELEASE_JOB,
    retryLimit: 8,
    retryDelaySeconds: 10,
    leaseSeconds: 300,
    handler: (payload) => settleRelease(Number(payload.releaseId)),
  });

  // In the transaction that ships or cancels a release: close its waiting proposals and schedule the
  // ticket moves, so they happen exactly when the release's change commits.
  releases.onSettle(async (tx, r, now) => {
    const note = `Release ${label(r)} was ${r.status} before a decision`;
    const closed = await repo.cancelPendingFor(tx, r.id, note, now);
    for (const d of closed) {
      const key = (await tickets.rowById(d.ticket_id, tx))?.key ?? "A ticket";
      await tickets.recordSystemChange(
        tx,
        d.ticket_id,
        {},
        [
          {
            type: "deferral.cancelled",
            actorUserId: null,
            after: { deferralId: d.id, release: label(r), note },
          },
        ],
        now,
      );
      await notifications.queue(tx, {
        userIds: [d.proposed_by],
        kind: "deferral.cancelled",
        ticketId: d.ticket_id,
        title: `${key}: your deferral to ${label(r)} was closed (release ${r.status})`,
        body: null,
        dedupeKey: `deferral.cancelled:${d.id}`,
      });
    }
    await jobs.enqueue(tx, SETTLE_RELEASE_JOB, { releaseId: r.id });
  });

  return {
    /** The work of the job that settles a release, for the command line and tests. */
    settleRelease,

    /** The deferrals of a ticket, oldest first (staff of its site and its vendor engineers). */
    async list(actor: Actor, key: string): Promise<DeferralView[]> {
      const t = await tickets.visibleRow(actor, key);
      if (!deferralPolicy.read(actor, subjectOf(t))) throw deferralReadForbidden();
      return views(actor, t, await repo.forTicket(t.id));
    },

    /** Proposes deferring a Level 3 ticket to a planned release of its product; a coordinator decides. */
    async propose(actor: Actor, key: string, input: DeferralCreate): Promise<DeferralView> {
      const t = await tickets.visibleRow(actor, key);
      if (!deferralPolicy.propose(actor, subjectOf(t))) throw proposeForbidden();
      if (t.tier !== 3) throw notLevel3();
      if (FINISHED.includes(t.status)) throw ticketFinished(t.status);
      const r = await releases.find(input.releaseId);
      if (!r) throw releaseUnknown();
      if (r.status !== "planned") throw releaseNotPlanned(r.status);
      if (r.product !== t.product) throw productMismatch(r.product, t.product);
      if (t.status === "deferred" && (await repo.approvedTo(t.id, r.id))) throw alreadyInRelease();
      const deciders = (await coordinatorsOf(t.site_id)).filter((id) => id !== actor.userId);
      const id = await db.transaction().execute(async (tx) => {
        await repo.lockTicket(tx, t.id);
        if (await repo.pending(tx, t.id)) throw pendingExists();
        if (!(await releases.holdPlanned(tx, r.id))) throw releaseNotPlanned("no longer planned");
        const now = clock.now();
        const d = await repo.insert(tx, {
          ticket_id: t.id,
          release_id: r.id,
          state: "proposed",
          reason: input.reason,
          proposed_by: actor.userId,
          decided_by: null,
          decision_note: null,
          created_at: now,
          decided_at: null,
        });
        await tickets.recordSystemChange(
          tx,
          t.id,
          {},
          [
            {
              type: "deferral.proposed",
              actorUserId: actor.userId,
              after: { deferralId: d.id, releaseId: r.id, release: label(r), reason: input.reason },
            },
          ],
          now,
        );
        await notifications.queue(tx, {
          userIds: deciders,
          kind: "deferral.proposed",
          ticketId: t.id,
          title: `${t.key}: deferral to ${label(r)} proposed by ${actor.name}; approve or reject`,
          body: input.reason,
          dedupeKey: `deferral.proposed:${d.id}`,
        });
        return d.id;
      });
      return view(actor, key, id);
    },

    /** A coordinator other than the proposer approves: the ticket becomes deferred and the requester is told. */
    async approve(actor: Actor, key: string, id: number, note?: string): Promise<DeferralView> {
      const { t, d } = await decidable(actor, key, id);
      if (t.tier !== 3) throw notLevel3();
      const r = (await releases.find(d.release_id)) as ReleaseRow;
      if (r.status !== "planned") throw releaseNotPlanned(r.status);
      await tickets.workflowTransition(actor, key, "deferred", {
        event: { deferralId: d.id, releaseId: r.id, release: label(r) },
        message: messages.deferred(r),
        inTx: async (tx, before) => {
          // The ticket may have changed since it was read; these hold for the ticket as written.
          if (before.tier !== 3) throw notLevel3();
          if (FINISHED.includes(before.status)) throw ticketFinished(before.status);
          if (!(await releases.holdPlanned(tx, r.id))) throw releaseNotPlanned("no longer planned");
          const now = clock.now();
          if (
            !(await repo.decide(tx, d.id, {
              state: "approved",
              by: actor.userId,
              note: note ?? null,
              at: now,
            }))
          )
            throw alreadyDecided("decided");
          await repo.supersede(tx, before.id, d.id, now);
          await notifications.queue(tx, {
            userIds: people(d.proposed_by, before.assignee_id),
            kind: "deferral.approved",
            ticketId: before.id,
            title: `${before.key}: deferral to ${label(r)} approved by ${actor.name}`,
            body: note ?? null,
            dedupeKey: `deferral.approved:${d.id}`,
          });
        },
      });
      return view(actor, key, id);
    },

    /** A coordinator other than the proposer rejects: the ticket stays as it is and the proposer is told why. */
    async reject(actor: Actor, key: string, id: number, note: string): Promise<DeferralView> {
      const { t, d } = await decidable(actor, key, id);
      const r = (await releases.find(d.release_id)) as ReleaseRow;
      await db.transaction().execute(async (tx) => {
        const now = clock.now();
        if (!(await repo.decide(tx, d.id, { state: "rejected", by: actor.userId, note, at: now })))
          throw alreadyDecided("decided");
        await tickets.recordSystemChange(
          tx,
          t.id,
          {},
          [
            {
              type: "deferral.rejected",
              actorUserId: actor.userId,
              after: { deferralId: d.id, releaseId: r.id, release: label(r), note },
            },
          ],
          now,
        );
        await notifications.queue(tx, {
          userIds: [d.proposed_by],
          kind: "deferral.rejected",
          ticketId: t.id,
          title: `${t.key}: deferral to ${label(r)} rejected by ${actor.name}`,
          body: note,
          dedupeKey: `deferral.rejected:${d.id}`,
        });
      });
      return view(actor, key, id);
    },

    /** The tickets deferred to a release that the actor may see, for the release's page. */
    async inRelease(actor: Actor, releaseId: number): Promise<DeferredTicketView[]> {
      const rows: Array<{ t: TicketRow; d: DeferralRow }> = [];
      for (const d of await repo.approvedIn(releaseId)) {
        const t = await tickets.rowById(d.ticket_id);
        if (t && ticketPolicy.read(actor, subjectOf(t))) rows.push({ t, d });
      }
      const codes = await sites.codes(rows.map(({ t }) => t.site_id));
      return rows.map(({ t, d }) => ({
        key: t.key,
        site: codes.get(t.site_id) ?? "",
        subject: t.subject,
        status: t.status,
        deferralId: d.id,
        approvedAt: toIsoOrNull(d.decided_at),
      }));
    },
  };
}
export type DeferralsService = ReturnType<typeof createDeferralsService>;
