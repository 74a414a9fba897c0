import type { z } from "zod";
import type { Db } from "../../db/database.js";
import type { Jobs } from "../../jobs/jobs.js";
import type { Actor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso, toIsoOrNull } from "../../shared/clock.js";
import { invalid, notFound } from "../../shared/errors.js";
import { authorize } from "../../shared/policy.js";
import type { CategoriesService } from "../categories/categories.service.js";
import type { ContactsService } from "../contacts/contacts.service.js";
import type { SitesService } from "../sites/sites.service.js";
import { ticketPolicy } from "../tickets/tickets.policy.js";
import { subjectOf, type TicketsService } from "../tickets/tickets.service.js";
import type { UsersService } from "../users/users.service.js";
import type { ChannelRegistry } from "./notifications.channels.js";
import {
  createDelivery,
  DELIVER_JOB,
  type NotificationRequest,
  REQUESTER_JOB,
  type RequesterNotice,
  type RetryPolicy,
} from "./notifications.delivery.js";
import type { RequesterLinks } from "./notifications.links.js";
import {
  type ChannelChoice,
  DEFAULT_CHOICE,
  DEFAULT_DIGEST_HOUR,
  isTimeZone,
  type KindGroup,
  type Preferences,
} from "./notifications.preferences.js";
import { createNotificationsRepository, type PreferenceRow } from "./notifications.repository.js";
import { createNotificationRules } from "./notifications.rules.js";
import type { deliveryView, PreferencesInput, preferencesView } from "./notifications.schemas.js";

export { DELIVER_JOB, type NotificationRequest, type RequesterNotice } from "./notifications.delivery.js";
export { notification } from "./notifications.schemas.js";

type Deps = {
  db: Db;
  clock: Clock;
  jobs: Jobs;
  outbound: ChannelRegistry;
  users: UsersService;
  sites: SitesService;
  contacts: ContactsService;
  tickets: TicketsService;
  categories: CategoriesService;
  links: RequesterLinks;
  retry?: RetryPolicy;
};

const choiceOf = (r: PreferenceRow): ChannelChoice => ({
  inApp: r.in_app === 1,
  email: r.email === 1,
  whatsapp: r.whatsapp === 1,
  mode: r.mode === "digest" ? "digest" : "immediate",
});

/**
 * Notifications: staff notices queued by other modules in the transaction of the change that causes
 * them, requester notices in the requester's language by the channel they used, each delivered per
 * person's preferences (in-app, email, WhatsApp; immediate or a daily digest) with every delivery
 * recorded, retried, and made visible on its ticket when it finally fails.
 */
export function createNotificationsService(deps: Deps) {
  const { db, clock, jobs, outbound, users, sites, tickets } = deps;
  const repo = createNotificationsRepository(db);

  /** The time zone a user's digest follows until they choose one: their first site's, else UTC. */
  async function defaultZone(userId: number): Promise<string> {
    const actor = await users.loadActor(userId, new Set(), "system");
    const siteId = actor ? [...actor.roles.keys()][0] : undefined;
    return (siteId !== undefined && (await sites.byId(siteId))?.timeZone) || "UTC";
  }

  async function preferencesOf(userId: number): Promise<Preferences> {
    const rows = await repo.preferences(userId);
    const all = rows.find((r) => r.kind_group === "all");
    const groups: Preferences["groups"] = {};
    for (const r of rows) if (r.kind_group !== "all") groups[r.kind_group as KindGroup] = choiceOf(r);
    return {
      defaults: {
        ...(all ? choiceOf(all) : DEFAULT_CHOICE),
        digestHour: all?.digest_hour ?? DEFAULT_DIGEST_HOUR,
        timeZone: all?.time_zone ?? (await defaultZone(userId)),
      },
      groups,
    };
  }

  const delivery = createDelivery({
    ...deps,
    repo,
    retry: deps.retry ?? { limit: 5, delaySeconds: 30 },
    preferencesOf,
  });

  const service = {
    /** Records the notification job in the caller's transaction. */
    async queue(tx: Db, req: NotificationRequest): Promise<void> {
      if (!req.userIds.length) return;
      await jobs.enqueue(tx, DELIVER_JOB, req as unknown as Record<string, unknown>);
    },

    /** Records a notice to a ticket's requester in the caller's transaction; it is written when delivered. */
    async queueRequester(tx: Db, notice: RequesterNotice): Promise<void> {
      await jobs.enqueue(tx, REQUESTER_JOB, notice as unknown as Record<string, unknown>);
    },

    /** Remembers the language a requester wrote in (a channel calls this as it takes their message). */
    setRequesterLanguage: (exec: Db, contactId: number, language: string) =>
      repo.setRequesterLanguage(exec, contactId, language, clock.now()),

    /** Sends the daily digests that are due (the background sweep calls this). */
    sweepDigests: () => delivery.sweepDigests(),

    /** The signed links that let requesters follow their requests. */
    links: deps.links,

    async list(actor: Actor, options: { unreadOnly: boolean; limit: number }) {
      let q = db.selectFrom("notifications").selectAll().where("user_id", "=", actor.userId);
      if (options.unreadOnly) q = q.where("read_at", "is", null);
      const rows = await q.orderBy("id", "desc").limit(options.limit).execute();
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        ticketId: r.ticket_id,
        title: r.title,
        body: r.body,
        createdAt: toIso(r.created_at),
        readAt: toIsoOrNull(r.read_at),
      }));
    },

    async markRead(actor: Actor, id: number): Promise<void> {
      const res = await db
        .updateTable("notifications")
        .set({ read_at: clock.now() })
        .where("id", "=", id)
        .where("user_id", "=", actor.userId)
        .executeTakeFirst();
      if (!Number(res.numUpdatedRows)) throw notFound("notification.not_found", "No such notification");
    },

    /** My notification settings, with the channels the hub can deliver by. */
    async preferences(actor: Actor): Promise<z.infer<typeof preferencesView>> {
      return {
        ...(await preferencesOf(actor.userId)),
        available: ["in_app" as const, ...outbound.channels()],
      };
    },

    /** Replaces my notification settings. */
    async setPreferences(actor: Actor, input: PreferencesInput): Promise<z.infer<typeof preferencesView>> {
      if (!isTimeZone(input.defaults.timeZone))
        throw invalid("notification.unknown_time_zone", `There is no time zone ${input.defaults.timeZone}`, [
          { field: "defaults.timeZone", message: "not an IANA time zone" },
        ]);
      const now = clock.now();
      const row = (group: string, c: ChannelChoice, digest: { hour: number; zone: string } | null) => ({
        user_id: actor.userId,
        kind_group: group,
        in_app: c.inApp ? 1 : 0,
        email: c.email ? 1 : 0,
        whatsapp: c.whatsapp ? 1 : 0,
        mode: c.mode,
        digest_hour: digest?.hour ?? null,
        time_zone: digest?.zone ?? null,
        updated_at: now,
      });
      const rows = [
        row("all", input.defaults, { hour: input.defaults.digestHour, zone: input.defaults.timeZone }),
        ...Object.entries(input.groups).map(([g, c]) => row(g, c as ChannelChoice, null)),
      ];
      await db.transaction().execute((tx) => repo.replacePreferences(tx, actor.userId, rows));
      return this.preferences(actor);
    },

    /** Who watches a ticket (staff who may read its internal side). */
    async watchers(
      actor: Actor,
      key: string,
    ): Promise<{ watching: boolean; items: Array<{ id: number; name: string }> }> {
      const t = await staffRow(actor, key);
      const ids = await repo.watcherIds(t.id);
      const names = await users.names(ids);
      return {
        watching: ids.includes(actor.userId),
        items: ids.map((id) => ({ id, name: names.get(id) ?? "" })),
      };
    },

    async watch(actor: Actor, key: string) {
      const t = await staffRow(actor, key);
      await repo.watch(t.id, actor.userId, clock.now());
      return this.watchers(actor, key);
    },

    async unwatch(actor: Actor, key: string) {
      const t = await staffRow(actor, key);
      await repo.unwatch(t.id, actor.userId);
      return this.watchers(actor, key);
    },

    /** The deliveries of a ticket's notices, newest first, with their state (staff). */
    async deliveries(actor: Actor, key: string, limit: number): Promise<Array<z.infer<typeof deliveryView>>> {
      const t = await staffRow(actor, key);
      const rows = await repo.deliveriesOfTicket(t.id, limit);
      return rows.map((d) => ({
        id: d.id,
        kind: d.kind,
        channel: d.channel as "in_app" | "email" | "whatsapp",
        recipient: d.user_id
          ? { type: "user" as const, id: d.user_id }
          : { type: "requester" as const, id: d.contact_id as number },
        title: d.title,
        language: d.language,
        status: d.status as z.infer<typeof deliveryView>["status"],
        attempts: d.attempts,
        lastError: d.last_error,
        createdAt: toIso(d.created_at),
        sentAt: toIsoOrNull(d.sent_at),
      }));
    },
  };

  /** A ticket whose internal side the actor may read: requesters get 403 as for the audit trail. */
  async function staffRow(actor: Actor, key: string) {
    const t = await tickets.visibleRow(actor, key);
    authorize(actor, ticketPolicy.readInternal, subjectOf(t));
    return t;
  }

  createNotificationRules({
    jobs,
    db,
    repo,
    tickets,
    users,
    categories: deps.categories,
    queue: service.queue,
    queueRequester: service.queueRequester,
  });
  return service;
}
export type NotificationsService = ReturnType<typeof createNotificationsService>;
