import type { Db } from "../../db/database.js";
import type { Jobs } from "../../jobs/jobs.js";
import { type Actor, hasRole, SITE_READ_ROLES } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso, toIsoOrNull } from "../../shared/clock.js";
import { forbidden, invalid, notFound } from "../../shared/errors.js";
import type { CalendarsService } from "../calendars/calendars.service.js";
import type { CategoriesService } from "../categories/categories.service.js";
import type { NotificationsService } from "../notifications/notifications.service.js";
import type { SitesService } from "../sites/sites.service.js";
import { ticketPolicy } from "../tickets/tickets.policy.js";
import type { TicketRow } from "../tickets/tickets.repository.js";
import { subjectOf, type TicketChange, type TicketsService } from "../tickets/tickets.service.js";
import type { UsersService } from "../users/users.service.js";
import { businessMinutesBetween } from "./business-time.js";
import {
  type ClockKind,
  type ClockRow,
  DONE_STATUSES,
  displayState,
  finish,
  PAUSING_STATUSES,
  pause,
  recalendar,
  remaining,
  reopen,
  resume,
  retarget,
  start,
  summarize,
} from "./sla.clocks.js";
import { createSlaRepository } from "./sla.repository.js";
import type { SlaPolicyInput } from "./sla.schemas.js";

export const RECOMPUTE_JOB = "sla.recompute_site";
const RECOMPUTE_BATCH = 2000;
/** How long a process trusts a site's SLA policies it read (changes made through another process show up after this). */
const POLICY_TTL_MS = 5_000;
const TARGET_COLUMN = {
  first_response: "first_response_minutes",
  next_response: "next_response_minutes",
  resolution: "resolution_minutes",
} as const;

type Deps = {
  db: Db;
  clock: Clock;
  jobs: Jobs;
  sites: SitesService;
  users: UsersService;
  tickets: TicketsService;
  calendars: CalendarsService;
  notifications: NotificationsService;
  categories: CategoriesService;
};

/**
 * Service levels: per-ticket clocks for first response, next response and resolution in the site's
 * business time. The clocks follow every ticket write (as an observer in its transaction); a sweep
 * fires warnings and breaches on time, whether or not anyone reads the ticket.
 */
export function createSlaService(deps: Deps) {
  const { db, clock, jobs, sites, users, tickets, calendars, notifications, categories } = deps;
  const repo = createSlaRepository(db);

  // Every ticket write looks up its site's policy: the site's policies are kept in memory briefly,
  // dropped at once when changed through this process, re-read after POLICY_TTL_MS otherwise.
  const policyCache = new Map<number, { rows: Awaited<ReturnType<typeof repo.policies>>; at: number }>();
  async function sitePolicies(exec: Db, siteId: number) {
    const hit = policyCache.get(siteId);
    if (hit && performance.now() - hit.at < POLICY_TTL_MS) return hit.rows;
    const at = performance.now();
    const rows = await repo.policies(siteId, exec);
    policyCache.set(siteId, { rows, at });
    return rows;
  }

  async function targets(exec: Db, t: TicketRow) {
    const policies = await sitePolicies(exec, t.site_id);
    // The tier's own policy, else the one for any tier (0).
    const p =
      policies.find((r) => r.priority === t.priority && r.tier === t.tier) ??
      policies.find((r) => r.priority === t.priority && r.tier === 0);
    const of = (kind: ClockKind) => (p ? p[TARGET_COLUMN[kind]] : null);
    return { of, warnPercent: p?.warn_percent ?? 75 };
  }

  /** Brings a ticket's clocks in line with what just happened to it. */
  async function follow(tx: Db, t: TicketRow, before: TicketRow | null, change: TicketChange, now: number) {
    const cal = await calendars.forSite(t.site_id, tx);
    // A ticket just opened has no clocks yet.
    const created = change.type === "created";
    const existing = new Map(
      (created ? [] : await repo.clocks(tx, t.id)).map((c) => [c.kind as ClockKind, c]),
    );
    const next = new Map(existing);
    const { of, warnPercent } = await targets(tx, t);
    const paused = PAUSING_STATUSES.has(t.status);
    const done = DONE_STATUSES.has(t.status);
    const set = (c: ClockRow) => next.set(c.kind as ClockKind, c);

    if (change.type === "created") {
      for (const kind of ["first_response", "resolution"] as const) {
        const target = of(kind);
        if (target) set(start(t.id, kind, target, warnPercent, cal, now));
      }
    }
    // A staff reply answers the requester; a requester's reply (not the opening message) asks again.
    if (change.type === "message" && change.kind === "reply") {
      if (!change.fromRequester) {
        for (const kind of ["first_response", "next_response"] as const) {
          const c = next.get(kind);
          if (c) set(finish(c, cal, now, "met"));
        }
      } else {
        const target = of("next_response");
        const first = next.get("first_response");
        const awaitingFirst = first && (first.state === "running" || first.state === "paused");
        if (target && !awaitingFirst) set(start(t.id, "next_response", target, warnPercent, cal, now));
      }
    }
    // New priority, tier or policy: new targets, time used so far kept.
    if (change.type === "tier" || (change.type === "updated" && change.fields.includes("priority"))) {
      for (const [kind, c] of next) {
        const target = of(kind);
        if (target && (c.state === "running" || c.state === "paused"))
          set(retarget(c, cal, now, target, warnPercent));
      }
    }
    // Status: done stops every clock (resolution met); pausing statuses hold them; leaving them resumes.
    if (before && before.status !== t.status) {
      for (const [kind, c] of next) {
        if (done) set(finish(c, cal, now, kind === "resolution" ? "met" : "stopped"));
        else if (DONE_STATUSES.has(before.status) && kind === "resolution") set(reopen(c, cal, now, paused));
        else if (paused) set(pause(c, cal, now));
        else set(resume(c, cal, now));
      }
    }
    // A clock started while the ticket waits (e.g. created already pending) waits too.
    if (paused) for (const c of next.values()) if (c.state === "running") set(pause(c, cal, now));

    if (created) {
      await repo.insertClocks(tx, t.id, [...next.values()], summarize([...next.values()]));
      return;
    }
    for (const c of next.values()) if (c !== existing.get(c.kind as ClockKind)) await repo.saveClock(tx, c);
    await tickets.recordSystemChange(tx, t.id, summarize([...next.values()]), [], now);
  }

  /** The people to tell about a warning or breach: the assignee and the leads (coordinators) of the site. */
  async function recipients(tx: Db, t: TicketRow): Promise<number[]> {
    const leads = await users.idsWithSiteRole(t.site_id, ["coordinator"], tx);
    return [...new Set([...(t.assignee_id ? [t.assignee_id] : []), ...leads])];
  }

  /** Fires one due warning or breach; returns false if another sweep already did. */
  async function fire(c: ClockRow, now: number): Promise<boolean> {
    const breach = c.due_at !== null && c.due_at <= now && c.breached_at === null;
    const field = breach ? "breached_at" : "warned_at";
    const at = (breach ? c.due_at : c.warn_at) ?? now;
    return db.transaction().execute(async (tx) => {
      await tickets.lockRows(tx, [c.ticket_id]);
      if (!(await repo.mark(tx, c, field, at))) return false;
      const t = await tickets.rowById(c.ticket_id, tx);
      if (!t) return true;
      const type = breach ? "sla.breached" : "sla.warning";
      const clocks = await repo.clocks(tx, t.id);
      const after = { clock: c.kind, dueAt: toIsoOrNull(c.due_at) };
      await tickets.recordSystemChange(
        tx,
        t.id,
        summarize(clocks),
        [{ type, actorUserId: null, after }],
        now,
      );
      const label = c.kind.replace("_", " ");
      await notifications.queue(tx, {
        userIds: await recipients(tx, t),
        kind: type,
        ticketId: t.id,
        title: breach ? `${t.key}: ${label} target breached` : `${t.key}: ${label} target due soon`,
        body: `Due ${toIsoOrNull(c.due_at)}`,
        dedupeKey: `${type}:${t.id}:${c.kind}:${c.started_at}`,
      });
      return true;
    });
  }

  /**
   * After a calendar or policy change: every open clock of the site gets the current target and a due
   * time on the current calendar. Time already counted is re-measured on the new calendar too, so a
   * holiday imported late also counts for the days behind us.
   */
  async function recomputeSite(siteId: number): Promise<number> {
    // The change that asked for this may have come through another process: read past the cache.
    const cal = await calendars.forSite(siteId, db, true);
    const policies = await repo.policies(siteId);
    const policyFor = (priority: string, tier: number) =>
      policies.find((p) => p.priority === priority && p.tier === tier) ??
      policies.find((p) => p.priority === priority && p.tier === 0);
    let after = 0;
    let count = 0;
    for (;;) {
      const page = await repo.openClocksOfSite(siteId, after, RECOMPUTE_BATCH);
      if (!page.length) return count;
      // A full page may end in the middle of a ticket's clocks: leave that ticket for the next page.
      const lastTicket = page[page.length - 1]?.ticket_id ?? after;
      const batch = page.length === RECOMPUTE_BATCH ? page.filter((c) => c.ticket_id !== lastTicket) : page;
      const rows = batch.length ? batch : page;
      const ids = [...new Set(rows.map((c) => c.ticket_id))];
      // Ticket locks first, then the clocks read again under them: a reply or status change committed
      // since the page was read is not overwritten, and writers never wait on each other in a circle.
      const updated = await db.transaction().execute(async (tx) => {
        await tickets.lockRows(tx, ids);
        const now = clock.now();
        const fresh = (await repo.openClocksOf(tx, ids)).map(({ priority, tier, ...c }) => {
          const p = policyFor(priority, tier);
          const target = p?.[TARGET_COLUMN[c.kind as ClockKind]] ?? c.target_minutes;
          return retarget(recalendar(c, cal, cal, now), cal, now, target, p?.warn_percent ?? c.warn_percent);
        });
        const byTicket = new Map<number, ClockRow[]>();
        for (const c of fresh) byTicket.set(c.ticket_id, [...(byTicket.get(c.ticket_id) ?? []), c]);
        if (fresh.length) await repo.saveClocks(tx, fresh);
        await tickets.recordSlaSummaries(
          tx,
          [...byTicket].map(([ticketId, clocks]) => ({ ticketId, ...summarize(clocks) })),
        );
        return fresh;
      });
      count += updated.length;
      after = rows[rows.length - 1]?.ticket_id ?? after;
    }
  }

  /**
   * Recomputes the site's clocks now, and once more when every process has stopped trusting its
   * cached calendar and policies (5 s): a ticket opened meanwhile in another process with the old
   * ones is brought in line by the second pass. Both passes are idempotent.
   */
  async function enqueueRecompute(tx: Db, siteId: number, reason: string) {
    await jobs.enqueue(tx, RECOMPUTE_JOB, { siteId, reason });
    await jobs.enqueue(
      tx,
      RECOMPUTE_JOB,
      { siteId, reason: `${reason} (settled)` },
      { runAt: clock.now() + POLICY_TTL_MS + 1_000 },
    );
  }

  tickets.onWrite(follow);
  calendars.onChange((tx, siteId) => enqueueRecompute(tx, siteId, "calendar"));
  jobs.register({
    name: RECOMPUTE_JOB,
    retryLimit: 5,
    leaseSeconds: 600,
    handler: async (payload) => {
      await recomputeSite(Number(payload.siteId));
    },
  });

  const canReadSite = (actor: Actor, siteId: number) =>
    actor.hubAdmin || hasRole(actor, siteId, SITE_READ_ROLES);

  return {
    /** Fires every warning and breach that is due; safe to run from several workers at once. */
    async sweep(now = clock.now()): Promise<{ fired: number }> {
      let fired = 0;
      for (;;) {
        const due = await repo.due(now, 200);
        if (!due.length) return { fired };
        let progressed = false;
        for (const c of due) {
          if (await fire(c, now)) {
            fired++;
            progressed = true;
          }
        }
        if (!progressed) return { fired };
      }
    },

    recomputeSite,

    async policies(actor: Actor, code: string) {
      const { found } = await sites.resolveCodes([code]);
      const site = found[0];
      if (!site || !canReadSite(actor, site.id)) throw notFound("site.not_found", `No site ${code}`);
      return (await repo.policies(site.id)).map((p) => ({
        priority: p.priority,
        tier: p.tier,
        firstResponseMinutes: p.first_response_minutes,
        nextResponseMinutes: p.next_response_minutes,
        resolutionMinutes: p.resolution_minutes,
        warnPercent: p.warn_percent,
      }));
    },

    /** Replaces a site's SLA policies; open tickets get the new targets through a job. */
    async setPolicies(actor: Actor, code: string, input: SlaPolicyInput[]) {
      const { found } = await sites.resolveCodes([code]);
      const site = found[0];
      if (!site || !canReadSite(actor, site.id)) throw notFound("site.not_found", `No site ${code}`);
      if (!actor.hubAdmin) throw forbidden("sla.forbidden", "Hub admins set service levels");
      const unknown = [];
      for (const [i, p] of input.entries()) {
        if ((await categories.priorityRank(p.priority)) === undefined) {
          unknown.push({ field: `policies.${i}.priority`, message: `no priority ${p.priority}` });
        }
      }
      if (unknown.length)
        throw invalid("sla.unknown_priority", "Some policies name priorities that do not exist", unknown);
      const now = clock.now();
      const unique = new Map(input.map((p) => [`${p.priority}:${p.tier}`, p]));
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom("sla_policies").where("site_id", "=", site.id).execute();
        if (unique.size) {
          await tx
            .insertInto("sla_policies")
            .values(
              [...unique.values()].map((p) => ({
                site_id: site.id,
                priority: p.priority,
                tier: p.tier,
                first_response_minutes: p.firstResponseMinutes,
                next_response_minutes: p.nextResponseMinutes,
                resolution_minutes: p.resolutionMinutes,
                warn_percent: p.warnPercent,
                updated_at: now,
              })),
            )
            .execute();
        }
        await enqueueRecompute(tx, site.id, "policy");
      });
      policyCache.delete(site.id);
      return this.policies(actor, code);
    },

    /** The ticket's clocks and its time at each level, in wall-clock and business time. */
    async times(actor: Actor, key: string) {
      const t = await tickets.visibleRow(actor, key);
      if (!ticketPolicy.readInternal(actor, subjectOf(t))) throw forbidden();
      const cal = await calendars.forSite(t.site_id);
      const now = clock.now();
      const clocks = await repo.clocks(db, t.id);
      const detail = await tickets.get(actor, key);
      const levels = new Map<number, { wallMinutes: number; businessMinutes: number; segments: number }>();
      for (const s of detail.tierHistory) {
        const from = Date.parse(s.enteredAt);
        const to = s.leftAt ? Date.parse(s.leftAt) : now;
        const l = levels.get(s.tier) ?? { wallMinutes: 0, businessMinutes: 0, segments: 0 };
        l.wallMinutes += (to - from) / 60_000;
        l.businessMinutes += businessMinutesBetween(cal, from, to);
        l.segments++;
        levels.set(s.tier, l);
      }
      const span = (end: number | null) =>
        end === null
          ? null
          : {
              wallMinutes: (end - t.created_at) / 60_000,
              businessMinutes: businessMinutesBetween(cal, t.created_at, end),
            };
      const order: ClockKind[] = ["first_response", "next_response", "resolution"];
      return {
        clocks: clocks
          .sort((a, b) => order.indexOf(a.kind as ClockKind) - order.indexOf(b.kind as ClockKind))
          .map((c) => ({
            kind: c.kind as ClockKind,
            state: displayState(c),
            targetMinutes: c.target_minutes,
            startedAt: toIso(c.started_at),
            dueAt: toIsoOrNull(c.due_at),
            remainingBusinessMinutes: remaining(c, cal, now),
            metAt: toIsoOrNull(c.met_at),
            warnedAt: toIsoOrNull(c.warned_at),
            breachedAt: toIsoOrNull(c.breached_at),
          })),
        levels: [...levels.entries()].sort(([a], [b]) => a - b).map(([tier, l]) => ({ tier, ...l })),
        firstResponse: span(t.first_response_at),
        resolution: span(t.resolved_at),
      };
    },
  };
}
export type SlaService = ReturnType<typeof createSlaService>;
