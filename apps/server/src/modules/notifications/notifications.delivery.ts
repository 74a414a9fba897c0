import type { Db } from "../../db/database.js";
import type { JobMeta, Jobs } from "../../jobs/jobs.js";
import { systemActor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import type { ContactRow, ContactsService } from "../contacts/contacts.service.js";
import type { SitesService } from "../sites/sites.service.js";
import type { TicketsService } from "../tickets/tickets.service.js";
import type { UsersService } from "../users/users.service.js";
import type { ChannelRegistry, Delivery, OutboundChannel } from "./notifications.channels.js";
import type { RequesterLinks } from "./notifications.links.js";
import {
  type ChannelChoice,
  choiceFor,
  nextDigestAt,
  type Preferences,
} from "./notifications.preferences.js";
import type { DeliveryRow, NotificationsRepository } from "./notifications.repository.js";
import { type RequesterTemplate, renderRequesterNotice } from "./notifications.templates.js";

export const DELIVER_JOB = "notifications.deliver";
export const REQUESTER_JOB = "notifications.requester";
export const SEND_JOB = "notifications.send";
export const DIGEST_JOB = "notifications.digest";

export type NotificationRequest = {
  userIds: number[];
  kind: string;
  ticketId?: number | null;
  title: string;
  body?: string | null;
  /** the same key for the same occurrence, so a retried job or a repeated sweep notifies once */
  dedupeKey: string;
};

/** A notice to a ticket's requester, rendered when delivered, in their language, by the channel they used. */
export type RequesterNotice = {
  ticketId: number;
  template: RequesterTemplate;
  /** the status to report (the ticket's status when the change was made) */
  status?: string;
  /** the staff reply to quote */
  messageId?: number;
  dedupeKey: string;
};

export type RetryPolicy = { limit: number; delaySeconds: number };

type Deps = {
  db: Db;
  clock: Clock;
  jobs: Jobs;
  outbound: ChannelRegistry;
  repo: NotificationsRepository;
  users: UsersService;
  sites: SitesService;
  contacts: ContactsService;
  tickets: TicketsService;
  links: RequesterLinks;
  retry: RetryPolicy;
  preferencesOf: (userId: number) => Promise<Preferences>;
};

const OUTBOUND: OutboundChannel[] = ["email", "whatsapp"];
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 2000);

/**
 * Delivery: a fan-out job per notice records one delivery per recipient and channel (in-app at once,
 * each outbound one with a job of its own, so a failing email never holds up the in-app notice), the
 * daily digests, and failures made visible on the ticket once retries are spent.
 */
export function createDelivery(deps: Deps) {
  const { db, clock, jobs, outbound, repo, users, sites, contacts, tickets, links, retry } = deps;

  /** Records a user's deliveries of one notice according to their choice, in one transaction. */
  async function fanOutToUser(
    tx: Db,
    userId: number,
    choice: ChannelChoice,
    prefs: Preferences,
    notice: { kind: string; ticketId: number | null; title: string; body: string | null; language: string },
    dedupeKey: string,
    inAppKey: string,
  ) {
    const now = clock.now();
    const base = {
      user_id: userId,
      contact_id: null,
      kind: notice.kind,
      ticket_id: notice.ticketId,
      title: notice.title.slice(0, 500),
      body: notice.body?.slice(0, 20_000) ?? null,
      language: notice.language,
      attempts: 0,
      last_error: null,
      batch_key: null,
      created_at: now,
      updated_at: now,
    };
    if (choice.inApp) {
      await repo.insertInApp(tx, {
        user_id: userId,
        kind: notice.kind,
        ticket_id: notice.ticketId,
        title: base.title,
        body: notice.body?.slice(0, 5000) ?? null,
        dedupe_key: inAppKey,
        created_at: now,
      });
      await repo.insertDelivery(tx, {
        ...base,
        channel: "in_app",
        status: "sent",
        send_after: null,
        sent_at: now,
        dedupe_key: `${dedupeKey}:u${userId}:in_app`,
      });
    }
    for (const channel of OUTBOUND) {
      if (!choice[channel]) continue;
      // A channel this hub has not set up is recorded as skipped, so the choice is not silently lost.
      const available = !!outbound.sender(channel);
      const digest = available && choice.mode === "digest";
      const id = await repo.insertDelivery(tx, {
        ...base,
        channel,
        status: !available ? "skipped" : digest ? "digest" : "queued",
        last_error: available ? null : `no ${channel} channel is set up in this hub`,
        send_after: digest ? nextDigestAt(now, prefs.defaults.digestHour, prefs.defaults.timeZone) : null,
        sent_at: null,
        dedupe_key: `${dedupeKey}:u${userId}:${channel}`,
      });
      if (id !== undefined && available && !digest) await jobs.enqueue(tx, SEND_JOB, { deliveryId: id });
    }
  }

  async function deliverToStaff(req: NotificationRequest) {
    for (const userId of new Set(req.userIds)) {
      const user = await users.findById(userId);
      if (!user || user.disabled) continue;
      const prefs = await deps.preferencesOf(userId);
      const notice = {
        kind: req.kind,
        ticketId: req.ticketId ?? null,
        title: req.title,
        body: req.body ?? null,
        language: user.language,
      };
      await db.transaction().execute((tx) =>
        fanOutToUser(
          tx,
          userId,
          choiceFor(prefs, req.kind),
          prefs,
          notice,
          req.dedupeKey,
          // the in-app key of earlier versions, so notices queued before an upgrade are not doubled
          `${req.dedupeKey}:${userId}`,
        ),
      );
    }
  }

  /** The language to write to a requester in: the one they last wrote in, their account's, their site's. */
  async function languageOf(contact: ContactRow): Promise<string> {
    const own = await repo.requesterLanguage(contact.id);
    if (own) return own;
    if (contact.user_id) {
      const user = await users.findById(contact.user_id);
      if (user) return user.language;
    }
    const code = (await sites.codes([contact.site_id])).get(contact.site_id);
    const site = code ? await sites.get(systemActor, code) : undefined;
    return site?.languages[0] ?? "en";
  }

  async function deliverToRequester(n: RequesterNotice) {
    const t = await tickets.rowById(n.ticketId);
    if (!t) return;
    const contact = (await contacts.byIds(db, [t.contact_id])).get(t.contact_id);
    if (!contact) return;
    const language = await languageOf(contact);
    const reply = n.messageId ? (await tickets.messageRow(n.messageId))?.body : undefined;
    // Someone who wrote without an account under an address not yet confirmed is asked to confirm it.
    const unverified = n.template === "received" && contact.unverified === 1;
    const text = renderRequesterNotice(unverified ? "confirm" : n.template, language, {
      key: t.key,
      subject: t.subject,
      status: n.status ?? t.status,
      link: await links.url(t.key, t.id, contact.id),
      ...(unverified ? { confirm: links.confirmUrl(t.key, t.id, contact.id) } : {}),
      ...(reply ? { reply } : {}),
    });
    const notice = {
      kind: `request.${n.template}`,
      ticketId: t.id,
      title: text.title,
      body: text.body,
      language: text.language,
    };
    // Requesters with an account who wrote through the web get what they chose for "requests"
    // (in-app and email by default); anyone else hears back on the channel they used.
    if (contact.user_id && !["email", "whatsapp"].includes(t.channel)) {
      const userId = contact.user_id;
      const prefs = await deps.preferencesOf(userId);
      await db
        .transaction()
        .execute((tx) =>
          fanOutToUser(
            tx,
            userId,
            choiceFor(prefs, notice.kind),
            prefs,
            notice,
            n.dedupeKey,
            `${n.dedupeKey}:${userId}`,
          ),
        );
      return;
    }
    const channel: OutboundChannel =
      t.channel === "whatsapp" || (t.channel !== "email" && !contact.email && contact.whatsapp_id)
        ? "whatsapp"
        : "email";
    const now = clock.now();
    await db.transaction().execute(async (tx) => {
      const id = await repo.insertDelivery(tx, {
        dedupe_key: `${n.dedupeKey}:c${contact.id}:${channel}`,
        user_id: null,
        contact_id: contact.id,
        channel,
        kind: notice.kind,
        ticket_id: t.id,
        title: notice.title,
        body: notice.body,
        language: notice.language,
        status: "queued",
        attempts: 0,
        last_error: null,
        send_after: null,
        batch_key: null,
        created_at: now,
        updated_at: now,
        sent_at: null,
      });
      if (id !== undefined) await jobs.enqueue(tx, SEND_JOB, { deliveryId: id });
    });
  }

  /** Marks deliveries failed and writes `notification.failed` on their tickets, so staff see who was not told. */
  async function recordFailure(rows: DeliveryRow[], error: string, attempts: number) {
    const ticketIds = [...new Set(rows.flatMap((d) => (d.ticket_id ? [d.ticket_id] : [])))];
    await db.transaction().execute(async (tx) => {
      // Ticket rows first: the lock order every writer of a ticket's events keeps.
      await tickets.lockRows(tx, ticketIds);
      const now = clock.now();
      for (const d of rows) {
        await repo.setDelivery(tx, d.id, { status: "failed", attempts, last_error: error, updated_at: now });
        if (!d.ticket_id) continue;
        await tickets.recordSystemChange(
          tx,
          d.ticket_id,
          {},
          [
            {
              type: "notification.failed",
              actorUserId: null,
              after: {
                deliveryId: d.id,
                kind: d.kind,
                channel: d.channel,
                recipient: d.user_id ? { userId: d.user_id } : { contactId: d.contact_id },
                attempts,
                error,
              },
            },
          ],
          now,
        );
      }
    });
  }

  /** Runs one outbound send; a throw is retried by the job, and the last one is recorded as a failure. */
  async function attempt(
    rows: DeliveryRow[],
    meta: JobMeta,
    send: () => Promise<boolean>,
    batchKey?: string,
  ) {
    const now = () => clock.now();
    let ok: boolean;
    try {
      ok = await send();
    } catch (e) {
      const error = errorText(e);
      if (meta.attempt > retry.limit) await recordFailure(rows, error, meta.attempt);
      else if (batchKey)
        await repo.setBatch(db, batchKey, { attempts: meta.attempt, last_error: error, updated_at: now() });
      else
        for (const d of rows)
          await repo.setDelivery(db, d.id, { attempts: meta.attempt, last_error: error, updated_at: now() });
      throw e;
    }
    const set = ok
      ? { status: "sent", attempts: meta.attempt, last_error: null, sent_at: now(), updated_at: now() }
      : {
          status: "skipped",
          attempts: meta.attempt,
          last_error: "no address on this channel",
          updated_at: now(),
        };
    if (batchKey) await repo.setBatch(db, batchKey, set);
    else for (const d of rows) await repo.setDelivery(db, d.id, set);
  }

  const senderFor = (channel: string) => {
    const sender = outbound.sender(channel as OutboundChannel);
    if (!sender) throw new Error(`no ${channel} sender is registered in this hub`);
    return sender;
  };

  async function send(deliveryId: number, meta: JobMeta) {
    const d = await repo.delivery(deliveryId);
    if (d?.status !== "queued") return;
    const delivery: Delivery = {
      to: d.user_id ? { userId: d.user_id } : { contactId: d.contact_id as number },
      kind: d.kind,
      ticketId: d.ticket_id,
      title: d.title,
      body: d.body,
      language: d.language,
      dedupeKey: d.dedupe_key,
    };
    await attempt([d], meta, () => senderFor(d.channel)(delivery));
  }

  async function sendDigest(batchKey: string, meta: JobMeta) {
    const items = (await repo.batch(batchKey)).filter((d) => d.status === "sending");
    const first = items[0];
    if (!first?.user_id) return;
    const user = await users.findById(first.user_id);
    const lines = items.map(
      (d) => `- ${d.title}${d.body ? `\n  ${d.body.split("\n")[0]?.slice(0, 300)}` : ""}`,
    );
    const delivery: Delivery = {
      to: { userId: first.user_id },
      kind: "digest",
      ticketId: null,
      title: `Tierdesk daily digest: ${items.length} notice${items.length === 1 ? "" : "s"}`,
      body: lines.join("\n"),
      language: user?.language ?? "en",
      dedupeKey: batchKey,
    };
    await attempt(items, meta, () => senderFor(first.channel)(delivery), batchKey);
  }

  const jobOptions = { retryLimit: retry.limit, retryDelaySeconds: retry.delaySeconds, leaseSeconds: 120 };
  jobs.register({
    name: DELIVER_JOB,
    retryLimit: 8,
    retryDelaySeconds: 5,
    leaseSeconds: 60,
    handler: (payload) => deliverToStaff(payload as unknown as NotificationRequest),
  });
  jobs.register({
    name: REQUESTER_JOB,
    retryLimit: 8,
    retryDelaySeconds: 5,
    leaseSeconds: 60,
    handler: (payload) => deliverToRequester(payload as unknown as RequesterNotice),
  });
  jobs.register({
    name: SEND_JOB,
    ...jobOptions,
    handler: (payload, meta) => send(Number(payload.deliveryId), meta),
  });
  jobs.register({
    name: DIGEST_JOB,
    ...jobOptions,
    handler: (payload, meta) => sendDigest(String(payload.batchKey), meta),
  });

  return {
    /**
     * Sends the digests that are due: each recipient's waiting items are taken for one digest in the
     * same transaction that records its job, so concurrent sweeps never send an item twice.
     */
    async sweepDigests(): Promise<number> {
      const now = clock.now();
      let sent = 0;
      for (const due of await repo.dueDigests(now)) {
        const userId = due.user_id as number;
        const batchKey = `digest:${userId}:${due.channel}:${now}`;
        const taken = await db.transaction().execute(async (tx) => {
          const n = await repo.claimDigest(tx, userId, due.channel, batchKey, now);
          if (n) await jobs.enqueue(tx, DIGEST_JOB, { batchKey });
          return n;
        });
        if (taken) sent++;
      }
      return sent;
    },
  };
}
