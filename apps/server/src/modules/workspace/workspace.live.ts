import type { Actor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso } from "../../shared/clock.js";
import { forbidden } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import type { SitesService } from "../sites/sites.service.js";
import type { TicketChangeEvent } from "../tickets/tickets.feed.js";
import type { TicketSubject } from "../tickets/tickets.policy.js";
import type { TicketsService } from "../tickets/tickets.service.js";
import type { PresenceView } from "./workspace.schemas.js";

/** What a live stream sends: a named event and its JSON data. */
export type LiveEvent = { event: string; data: Record<string, unknown> };
/**
 * One open stream. `reload` reads its session or token again (undefined once it ended or its person
 * may no longer stream); `freshAt` is when that last happened, and `generation` grows each time the
 * person changed in this process, so that a reload that began before the change does not count.
 */
type Subscriber = {
  actor: Actor;
  send: (e: LiveEvent) => void;
  reload: () => Promise<Actor | undefined>;
  freshAt: number;
  generation: number;
  checked: number;
  reloading: Promise<void> | null;
};
type Present = { name: string; mode: "viewing" | "editing"; until: number };
type TicketPresence = { subject: TicketSubject; people: Map<number, Present> };

/** How long a presence heartbeat counts; the web app sends one every 20 s. */
export const PRESENCE_TTL_MS = 45_000;
const BATCH = 500;
/** Audit events visible to requesters of their own tickets; every other kind is staff-only. */
const PUBLIC_TYPES = new Set(["ticket.created", "ticket.updated", "reply.added"]);

/**
 * Live updates for the staff workspace. The source of truth is the tickets' audit trail: one poller per
 * process reads the events committed since its cursor and hands each subscriber those of tickets it may
 * read, so nothing is announced before its transaction commits, and writes made by other processes
 * (workers, a second server) are seen too. Ticket writes nudge the poller so that changes made here show
 * within tens of milliseconds; otherwise it polls every `pollMs` while anyone listens. On PostgreSQL,
 * identity values can commit out of order, so each poll looks back `lookback` ids and skips those it sent.
 * Presence (who is viewing or replying) lives in this process only.
 *
 * Each stream's actor is read again every `recheckMs`, and before any event is sent with an actor older
 * than that, so a person removed from a site or signed out elsewhere stops receiving within seconds; a
 * change made in this process (sign-out, token revocation, disabling, roles) re-reads it before the
 * next event and closes the stream if the session or token is gone.
 */
export function createLiveHub(deps: {
  tickets: TicketsService;
  sites: SitesService;
  clock: Clock;
  log: Logger;
  pollMs?: number;
  lookback?: number;
  recheckMs?: number;
}) {
  const { tickets, sites, clock, log } = deps;
  const pollMs = deps.pollMs ?? 1000;
  const lookback = deps.lookback ?? 0;
  const recheckMs = deps.recheckMs ?? 2000;
  const subscribers = new Set<Subscriber>();
  let recheckTimer: NodeJS.Timeout | null = null;
  const presence = new Map<string, TicketPresence>();
  let cursor: number | null = null;
  const sent = new Set<number>();
  let timer: NodeJS.Timeout | null = null;
  let polling: Promise<void> | null = null;
  let again = false;

  function schedule(ms: number) {
    if (!subscribers.size) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void poll(), ms);
    timer.unref();
  }

  function poll(): Promise<void> {
    if (polling) {
      again = true;
      return polling;
    }
    polling = (async () => {
      try {
        do {
          again = false;
          await readChanges();
        } while (again);
        prunePresence();
      } catch (e) {
        log.warn({ err: e }, "live updates: reading the ticket changes failed");
      } finally {
        polling = null;
        schedule(pollMs);
      }
    })();
    return polling;
  }

  /** Reads the subscriber's actor again until no change of its person overtook the read; closes it if gone. */
  function refresh(s: Subscriber): Promise<void> {
    s.reloading ??= (async () => {
      try {
        for (;;) {
          const generation = s.generation;
          const startedAt = clock.now();
          const actor = await s.reload();
          if (!subscribers.has(s)) return;
          if (!actor) {
            close(s);
            return;
          }
          s.actor = actor;
          if (generation === s.generation) {
            s.freshAt = startedAt;
            s.checked = generation;
            return;
          }
        }
      } catch (e) {
        // Rather than go on with an actor that may be out of date, the stream ends; the browser reconnects.
        log.warn({ err: e }, "live updates: reading a stream's actor again failed");
        close(s);
      } finally {
        s.reloading = null;
      }
    })();
    return s.reloading;
  }

  const isStale = (s: Subscriber, now: number) => s.checked !== s.generation || now - s.freshAt >= recheckMs;

  /** Brings every stream's actor up to date before something is sent by it. */
  async function refreshStale(): Promise<void> {
    const now = clock.now();
    await Promise.all([...subscribers].filter((s) => isStale(s, now)).map(refresh));
  }

  function close(s: Subscriber) {
    if (!subscribers.delete(s)) return;
    s.send({ event: "bye", data: {} });
    if (!subscribers.size) stopTimers();
  }

  function stopTimers() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (recheckTimer) clearInterval(recheckTimer);
    recheckTimer = null;
  }

  async function readChanges() {
    if (cursor === null) cursor = await tickets.lastChangeId();
    for (;;) {
      const from = Math.max(0, cursor - lookback);
      const rows = (await tickets.changesSince(from, BATCH + lookback)).filter((r) => !sent.has(r.id));
      if (!rows.length) return;
      const codes = await sites.codes([...new Set(rows.map((r) => r.siteId))]);
      await refreshStale();
      for (const r of rows) {
        dispatch(r, codes.get(r.siteId) ?? "");
        if (lookback) sent.add(r.id);
        cursor = Math.max(cursor, r.id);
      }
      for (const id of sent) if (id <= cursor - lookback) sent.delete(id);
      if (rows.length < BATCH) return;
    }
  }

  function dispatch(r: TicketChangeEvent, site: string) {
    const internal = !PUBLIC_TYPES.has(r.type);
    const event =
      r.type === "ticket.created"
        ? "ticket.created"
        : r.type === "reply.added" || r.type === "note.added"
          ? "message.added"
          : "ticket.updated";
    const data = {
      ticket: r.ticketKey,
      site,
      version: r.version,
      change: r.type,
      internal,
      actorUserId: r.actorUserId,
      at: toIso(r.at),
      eventId: r.id,
    };
    for (const s of subscribers) {
      if (tickets.mayRead(s.actor, r.subject, internal)) s.send({ event, data });
    }
  }

  function presenceOf(key: string, viewer: number | null): PresenceView {
    const entry = presence.get(key);
    const people = entry
      ? [...entry.people]
          .filter(([id]) => id !== viewer)
          .map(([id, p]) => ({ id, name: p.name, mode: p.mode }))
      : [];
    return { ticket: key, people };
  }

  async function broadcastPresence(key: string) {
    await refreshStale();
    const entry = presence.get(key);
    for (const s of subscribers) {
      if (entry && tickets.mayRead(s.actor, entry.subject, true))
        s.send({ event: "presence", data: presenceOf(key, s.actor.userId) });
    }
  }

  function prunePresence() {
    const now = clock.now();
    for (const [key, entry] of presence) {
      let changed = false;
      for (const [id, p] of entry.people) {
        if (p.until <= now) {
          entry.people.delete(id);
          changed = true;
        }
      }
      if (changed) void broadcastPresence(key);
      if (!entry.people.size) presence.delete(key);
    }
  }

  return {
    /**
     * Starts sending the actor the changes of tickets it may read, reading the actor again with
     * `reload` as it goes (a `bye` event when its session or token ended); returns the unsubscribe function.
     */
    async subscribe(
      actor: Actor,
      send: (e: LiveEvent) => void,
      reload: () => Promise<Actor | undefined>,
    ): Promise<() => void> {
      if (cursor === null) cursor = await tickets.lastChangeId();
      const sub: Subscriber = {
        actor,
        send,
        reload,
        freshAt: clock.now(),
        generation: 0,
        checked: 0,
        reloading: null,
      };
      subscribers.add(sub);
      schedule(pollMs);
      if (!recheckTimer) {
        recheckTimer = setInterval(() => {
          for (const s of subscribers) void refresh(s);
        }, recheckMs);
        recheckTimer.unref();
      }
      return () => {
        subscribers.delete(sub);
        if (!subscribers.size) stopTimers();
      };
    },

    /**
     * The person changed, or one of their sessions or tokens ended, in this process: their streams read
     * their actor again before anything more is sent to them, and close if the credential is gone.
     */
    recheckUser(userId: number): void {
      for (const s of subscribers) {
        if (s.actor.userId !== userId) continue;
        s.generation++;
        void refresh(s);
      }
    },

    /** Called on every ticket write (inside its transaction): reads the change soon after it commits. */
    nudge(): void {
      schedule(25);
    },

    /** Reads and sends what changed now (tests and shutdown use it). */
    flush: (): Promise<void> => poll(),

    /** Records that the actor is viewing or replying to a ticket (or left it) and tells the others. */
    async heartbeat(actor: Actor, key: string, mode: "viewing" | "editing" | "left"): Promise<PresenceView> {
      const row = await tickets.visibleRow(actor, key);
      const subject = {
        siteId: row.site_id,
        tier: row.tier,
        vendorTeamId: row.vendor_team_id,
        requesterUserId: row.requester_user_id,
      };
      if (!tickets.mayRead(actor, subject, true))
        throw forbidden("presence.staff_only", "Only staff share who is on a ticket");
      const entry = presence.get(key) ?? { subject, people: new Map<number, Present>() };
      entry.subject = subject;
      const before = entry.people.get(actor.userId)?.mode;
      if (mode === "left") entry.people.delete(actor.userId);
      else entry.people.set(actor.userId, { name: actor.name, mode, until: clock.now() + PRESENCE_TTL_MS });
      if (entry.people.size) presence.set(key, entry);
      else presence.delete(key);
      if (before !== (mode === "left" ? undefined : mode)) await broadcastPresence(key);
      return presenceOf(key, actor.userId);
    },

    /** How many streams are open (for tests and metrics). */
    listeners: () => subscribers.size,

    /** Ends every stream (the server is shutting down). */
    stop(): void {
      stopTimers();
      for (const s of subscribers) s.send({ event: "bye", data: {} });
      subscribers.clear();
    },
  };
}
export type LiveHub = ReturnType<typeof createLiveHub>;
