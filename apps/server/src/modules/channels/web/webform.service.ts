import type { Readable } from "node:stream";
import type { Db } from "../../../db/database.js";
import { type Actor, type SiteRole, systemActor, visitorActor } from "../../../shared/actor.js";
import type { Clock } from "../../../shared/clock.js";
import { toIso } from "../../../shared/clock.js";
import { AppError, badRequest, invalid, notFound } from "../../../shared/errors.js";
import { authorize } from "../../../shared/policy.js";
import { createRateLimiter, type RateLimiter } from "../../../shared/rate-limit.js";
import { randomToken, sha256 } from "../../../shared/tokens.js";
import type { AttachmentStore, StagedFile, StoredFile } from "../../attachments/attachments.store.js";
import type { CategoriesService } from "../../categories/categories.service.js";
import type { ContactsService } from "../../contacts/contacts.service.js";
import type { KbService } from "../../kb/kb.service.js";
import type { NotificationsService } from "../../notifications/notifications.service.js";
import type { SitesService } from "../../sites/sites.service.js";
import { ticketCreatePolicy, ticketPolicy } from "../../tickets/tickets.policy.js";
import type { TicketRow } from "../../tickets/tickets.repository.js";
import type { MessageView } from "../../tickets/tickets.schemas.js";
import { ticketListQuery } from "../../tickets/tickets.schemas.js";
import type { TicketsService } from "../../tickets/tickets.service.js";
import type { UsersService } from "../../users/users.service.js";
import { createWebFormRepository } from "./webform.repository.js";
import type { PublicRequest, RequestCreate } from "./webform.schemas.js";
import { createUploadTokens } from "./webform.uploads.js";

type Deps = {
  db: Db;
  contacts: ContactsService;
  clock: Clock;
  secret: string;
  sites: SitesService;
  users: UsersService;
  kb: KbService;
  categories: CategoriesService;
  tickets: TicketsService;
  attachments: AttachmentStore;
  notifications: NotificationsService;
};

const HOUR = 60 * 60_000;
/** Spam limits: what one address or one person may send through the form. */
export const LIMITS = {
  suggestionsPerIpPerMinute: 60,
  requestsPerIpPerHour: 20,
  requestsPerContactPerHour: 5,
  uploadsPerIpPerHour: 30,
  repliesPerRequestPerHour: 30,
  linkMailsPerIpPerHour: 10,
  linkMailsPerAddressPerHour: 3,
};
/** How many of an address's requests, most recently active first, a "new link" mail covers. */
const LINK_MAIL_REQUESTS = 10;

const requestNotFound = () =>
  notFound("portal.request_not_found", "No such request, or the link is not valid");
const linkExpired = () =>
  new AppError(410, "portal.link_expired", "This link has expired; ask for a new one on the portal");
const linkRevoked = () =>
  new AppError(
    410,
    "portal.link_revoked",
    "This link was withdrawn by the support team; ask for a new one on the portal",
  );
const keyReused = () =>
  invalid(
    "idempotency.key_reused",
    "This Idempotency-Key was already used for a different request; send a new request with a new key",
  );

/** What a submission asked for, as a hash: a replay under the same key must carry the same request. */
const fingerprintOf = (input: RequestCreate, site: string, files: StoredFile[]) =>
  sha256(
    JSON.stringify([
      site,
      input.subject,
      input.description,
      input.category,
      input.name ?? null,
      input.email?.toLowerCase() ?? null,
      input.phone ?? null,
      input.lang ?? null,
      files.map((f) => f.sha256),
    ]),
  );

/** The hub taking in a request at one site (it files the category the requester chose). */
const intake = (siteId: number): Actor => ({
  ...systemActor,
  hubAdmin: false,
  roles: new Map([[siteId, new Set<SiteRole>(["agent"])]]),
});

/**
 * The web request form of the requester portal: suggested articles while typing, requests from
 * signed-in requesters and from anyone with a name and an email, attachments uploaded ahead, spam
 * limits, and the signed link through which a requester without an account follows and answers.
 */
export function createWebFormService(deps: Deps) {
  const { db, clock, sites, users, contacts, kb, categories, tickets, attachments, notifications } = deps;
  const repo = createWebFormRepository();
  const uploads = createUploadTokens(deps.secret);
  const links = notifications.links;
  const limiter = (limit: number, windowMs: number) => createRateLimiter({ limit, windowMs, now: clock.now });
  const suggestByIp = limiter(LIMITS.suggestionsPerIpPerMinute, 60_000);
  const submitByIp = limiter(LIMITS.requestsPerIpPerHour, HOUR);
  const submitByContact = limiter(LIMITS.requestsPerContactPerHour, HOUR);
  const uploadByIp = limiter(LIMITS.uploadsPerIpPerHour, HOUR);
  const replyByRequest = limiter(LIMITS.repliesPerRequestPerHour, HOUR);
  const linksByIp = limiter(LIMITS.linkMailsPerIpPerHour, HOUR);
  const linksByAddress = limiter(LIMITS.linkMailsPerAddressPerHour, HOUR);

  function throttle(checks: Array<[RateLimiter, string]>) {
    const wait = Math.max(...checks.map(([l, key]) => l.blockedFor(key)));
    if (wait > 0)
      throw new AppError(429, "portal.too_many_requests", "Too many requests; try again later", undefined, {
        "retry-after": String(wait),
      });
  }

  async function siteOf(actor: Actor | null, code: string | undefined) {
    if (code) {
      const site = (await sites.resolveCodes([code])).found[0];
      if (!site)
        throw invalid("portal.unknown_site", `No site ${code}`, [{ field: "site", message: "unknown site" }]);
      return site;
    }
    const mine = actor ? [...actor.roles.keys()] : [];
    if (mine.length !== 1)
      throw invalid("portal.site_required", "Say which site the request is for", [
        { field: "site", message: "required" },
      ]);
    const [code1] = (await sites.codes(mine)).values();
    return (await sites.resolveCodes([code1 as string])).found[0] as NonNullable<
      Awaited<ReturnType<typeof sites.resolveCodes>>["found"][number]
    >;
  }

  async function siteLanguage(code: string): Promise<string> {
    return (await sites.get(systemActor, code)).languages[0] ?? "en";
  }

  /**
   * A request by its key and the token of its link; an unknown token is "not found", and one of ours that
   * expired or was revoked says so (410) to whoever holds it, with nothing of the request.
   */
  async function byLink(key: string, token: string): Promise<TicketRow> {
    const t = await tickets.visibleRow(systemActor, key).catch(() => undefined);
    if (!t) throw requestNotFound();
    const state = await links.check(t.id, t.contact_id, token);
    if (state === "expired") throw linkExpired();
    if (state === "revoked") throw linkRevoked();
    if (state !== "valid") throw requestNotFound();
    return t;
  }

  /** The answer to a submission; a replay carries no link, which only the first answer and the mail hold. */
  async function receipt(
    t: { id: number; key: string; contactId: number; subject: string; status: string },
    site: string,
    withoutLink: boolean,
  ) {
    const token = withoutLink ? null : await links.token(t.id, t.contactId);
    return {
      key: t.key,
      site,
      subject: t.subject,
      status: t.status as PublicRequest["status"],
      ...(token ? { token, link: links.page(t.key, token) } : {}),
    };
  }

  /** A replay must carry the request that opened the ticket; submissions from before fingerprints pass. */
  async function assertSameRequest(ticketId: number, fingerprint: string) {
    const earlier = await repo.submission(ticketId, db);
    if (earlier?.fingerprint && earlier.fingerprint !== fingerprint) throw keyReused();
  }

  /** Records the submission and queues its receipt in one transaction, once per ticket. */
  async function recordSubmission(
    tx: Db,
    row: {
      ticketId: number;
      contactId: number;
      anonymous: boolean;
      language: string;
      ip: string;
      now: number;
      fingerprint: string;
    },
    withLanguage: boolean,
  ) {
    const first = await repo.recordRequest(tx, {
      ticket_id: row.ticketId,
      contact_id: row.contactId,
      anonymous: row.anonymous ? 1 : 0,
      language: row.language,
      ip: row.ip,
      created_at: row.now,
      fingerprint: row.fingerprint,
    });
    if (!first) return;
    if (withLanguage) await notifications.setRequesterLanguage(tx, row.contactId, row.language);
    await notifications.queueRequester(tx, {
      ticketId: row.ticketId,
      template: "received",
      dedupeKey: `portal:${row.ticketId}:received`,
    });
  }

  const publicMessage = (key: string, token: string, m: MessageView) => ({
    id: m.id,
    from: m.author?.type === "contact" ? ("requester" as const) : ("support" as const),
    name: m.author?.name ?? null,
    body: m.body,
    createdAt: m.createdAt,
    attachments: m.attachments.map((a) => fileView(key, token, a)),
  });
  const fileView = (
    key: string,
    token: string,
    a: { id: number; filename: string; contentType: string; size: number },
  ) => ({
    id: a.id,
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    url: `/api/v1/portal/requests/${key}/attachments/${a.id}?token=${token}`,
  });

  return {
    /** Articles that may answer what the person is typing, as their site and language resolve them. */
    async suggestions(actor: Actor | null, q: { q: string; site?: string; lang?: string }, ip: string) {
      throttle([[suggestByIp, ip]]);
      suggestByIp.hit(ip);
      const site = q.site ? await siteOf(actor, q.site) : null;
      const reader = actor ?? visitorActor(site?.id ?? null);
      const result = await kb.search(reader, {
        q: q.q,
        limit: 5,
        ...(q.site ? { site: q.site } : {}),
        ...(q.lang ? { lang: q.lang } : {}),
      });
      const seen = new Set<number>();
      return {
        items: result.hits
          .filter((h) => !seen.has(h.articleId) && seen.add(h.articleId))
          .map((h) => ({
            articleId: h.articleId,
            title: h.title,
            heading: h.section.heading,
            link: h.link,
            snippet: h.snippet,
          })),
      };
    },

    /**
     * Takes a request from the form; the same Idempotency-Key from the same person with the same request
     * answers the first (without its link), and with another request is refused.
     */
    async submit(actor: Actor | null, input: RequestCreate, meta: { ip: string; idempotencyKey?: string }) {
      if (input.website) {
        submitByIp.hit(meta.ip);
        throw badRequest("portal.rejected", "The request could not be accepted");
      }
      if (!actor) {
        const missing = (["name", "email", "site"] as const).filter((f) => !input[f]);
        if (missing.length)
          throw invalid(
            "portal.contact_required",
            "Without signing in, give your name, your email and the site",
            missing.map((field) => ({ field, message: "required when not signed in" })),
          );
      }
      const contactKey = actor ? `user:${actor.userId}` : (input.email as string).toLowerCase();
      throttle([
        [submitByIp, meta.ip],
        [submitByContact, contactKey],
      ]);
      const now = clock.now();
      const files = uploads.read(input.attachments, now, "attachments");
      const site = await siteOf(actor, input.site);
      if (!(await categories.isActive(input.category)))
        throw invalid("ticket.unknown_category", `There is no active category ${input.category}`, [
          { field: "category", message: "unknown or inactive category" },
        ]);
      const fingerprint = fingerprintOf(input, site.code, files);
      const language =
        input.lang ??
        (actor ? (await users.findById(actor.userId))?.language : undefined) ??
        (await siteLanguage(site.code));

      let result: {
        ticket: { id: number; key: string; contactId: number; subject: string; status: string };
        replayed: boolean;
      };
      if (!actor) {
        const requestKey = `portal:${sha256(`${contactKey}\n${meta.idempotencyKey ?? randomToken()}`)}`;
        const { ticket, replayed } = await tickets.openForContact({
          siteId: site.id,
          requester: { name: input.name ?? null, email: input.email ?? null, phone: input.phone ?? null },
          channel: "web",
          subject: input.subject,
          description: input.description,
          requestKey,
          // Nobody has checked that the sender owns the address: see `confirm`.
          unverified: true,
          files,
          inTx: (tx, done) =>
            recordSubmission(
              tx,
              {
                ticketId: done.ticketId,
                contactId: done.contactId,
                anonymous: true,
                language,
                ip: meta.ip,
                now: done.now,
                fingerprint,
              },
              true,
            ),
        });
        if (replayed) await assertSameRequest(ticket.id, fingerprint);
        // The intake files every request as "other"; the requester's choice is applied as the hub's change
        // (again on a replay, should a crash have come between).
        if (ticket.category !== input.category)
          await tickets.update(intake(site.id), ticket.key, { category: input.category });
        result = {
          ticket: {
            id: ticket.id,
            key: ticket.key,
            contactId: ticket.contact_id,
            subject: ticket.subject,
            status: ticket.status,
          },
          replayed,
        };
      } else {
        const forOthers = ticketCreatePolicy.createForOthers(actor, site.id);
        const { ticket, replayed } = await tickets.create(
          actor,
          {
            site: site.code,
            subject: input.subject,
            description: input.description,
            category: input.category,
            priority: "normal",
            channel: "web",
            tags: [],
            // Staff using the portal ask for themselves.
            ...(forOthers ? { requester: { email: actor.email, name: actor.name } } : {}),
          },
          meta.idempotencyKey,
        );
        const row = await tickets.visibleRow(actor, ticket.key);
        if (replayed) await assertSameRequest(row.id, fingerprint);
        if (!replayed && files.length) await tickets.recordAttachments(actor, row, files, "public");
        await db.transaction().execute((tx) =>
          recordSubmission(
            tx,
            {
              ticketId: row.id,
              contactId: row.contact_id,
              anonymous: false,
              language,
              ip: meta.ip,
              now,
              fingerprint,
            },
            input.lang !== undefined,
          ),
        );
        result = {
          ticket: {
            id: row.id,
            key: row.key,
            contactId: row.contact_id,
            subject: row.subject,
            status: row.status,
          },
          replayed,
        };
      }
      if (!result.replayed) {
        submitByIp.hit(meta.ip);
        submitByContact.hit(contactKey);
      }
      return { receipt: await receipt(result.ticket, site.code, result.replayed), replayed: result.replayed };
    },

    /** The request as its requester sees it: status, public replies and files. */
    async read(key: string, token: string): Promise<PublicRequest> {
      const t = await byLink(key, token);
      const detail = await tickets.get(systemActor, key);
      const messages: MessageView[] = [];
      for (let afterId = 0; ; ) {
        const page = await tickets.messages(systemActor, key, { afterId, limit: 200 });
        messages.push(...page.items);
        if (!page.nextCursor) break;
        afterId = Number(page.nextCursor);
      }
      const loose = (await tickets.listAttachments(systemActor, key)).filter((a) => a.messageId === null);
      return {
        key: t.key,
        site: detail.site,
        subject: t.subject,
        status: t.status as PublicRequest["status"],
        category: t.category,
        createdAt: toIso(t.created_at),
        updatedAt: toIso(t.updated_at),
        messages: messages.filter((m) => m.kind === "reply").map((m) => publicMessage(key, token, m)),
        attachments: loose.map((a) => fileView(key, token, a)),
      };
    },

    /** The requester's answer through their link; it reopens a resolved request as any reply of theirs does. */
    async reply(key: string, token: string, input: { body: string; attachments: string[] }) {
      const t = await byLink(key, token);
      throttle([[replyByRequest, key]]);
      const files = uploads.read(input.attachments, clock.now(), "attachments");
      const { messageId } = await tickets.addContactMessage({
        ticketId: t.id,
        body: input.body,
        channel: "web",
        files,
      });
      replyByRequest.hit(key);
      const page = await tickets.messages(systemActor, key, { afterId: messageId - 1, limit: 1 });
      return publicMessage(key, token, page.items[0] as MessageView);
    },

    /** A public file of the request, through its link. */
    async attachment(key: string, token: string, id: number) {
      await byLink(key, token);
      return tickets.openAttachment(systemActor, key, id);
    },

    /**
     * The owner of the address an anonymous request named confirms it, through the link mailed there:
     * the request moves from the unverified contact to the site's contact for that address, joined to the
     * account of that address if there is one, so it shows among that person's requests. Until then the
     * claim reaches nothing of the account or of that contact's other requests. Confirming twice is
     * harmless; the answer carries a fresh link for the request (the old one named the unverified contact).
     */
    async confirm(key: string, token: string) {
      const t = await tickets.visibleRow(systemActor, key).catch(() => undefined);
      const submission = t ? await repo.submission(t.id, db) : undefined;
      if (!t || !submission?.anonymous) throw requestNotFound();
      const state = links.checkConfirmation(t.id, submission.contact_id, token);
      if (state === "expired") throw linkExpired();
      if (state !== "valid") throw requestNotFound();
      const from = (await contacts.byIds(db, [submission.contact_id])).get(submission.contact_id);
      if (!from?.email) throw requestNotFound();
      const user = await users.findByEmail(from.email);
      const row = await tickets.confirmRequester(t.id, from, user && !user.disabled ? user.id : null);
      const current = (await contacts.byIds(db, [row.contact_id])).get(row.contact_id);
      const site = (await sites.codes([row.site_id])).get(row.site_id) ?? "";
      return receipt(
        { id: row.id, key: row.key, contactId: row.contact_id, subject: row.subject, status: row.status },
        site,
        // a link only for the address that confirmed, should the request have changed hands since
        current?.email !== from.email,
      );
    },

    /** Staff end every private link of a ticket issued so far; the requester can ask for a new one by mail. */
    async revokeLinks(actor: Actor, key: string): Promise<void> {
      const t = await tickets.visibleRow(actor, key);
      authorize(actor, ticketPolicy.update, {
        siteId: t.site_id,
        tier: t.tier,
        vendorTeamId: t.vendor_team_id,
        requesterUserId: t.requester_user_id,
      });
      await db.transaction().execute(async (tx) => {
        await tickets.lockRows(tx, [t.id]);
        const now = clock.now();
        await links.revoke(tx, t.id, actor.userId, now);
        await tickets.recordSystemChange(
          tx,
          t.id,
          {},
          [{ type: "requester_link.revoked", actorUserId: actor.userId }],
          now,
        );
      });
    },

    /**
     * Mails a fresh link to each recent request of whoever holds this address (at the site, if named).
     * The answer is the same whether or not anything was sent, and the limits count every address alike,
     * so it tells no one which addresses we know; only the mailbox learns the links.
     */
    async requestLinks(input: { email: string; site?: string | undefined }, ip: string): Promise<void> {
      const address = input.email.trim().toLowerCase();
      throttle([
        [linksByIp, ip],
        [linksByAddress, address],
      ]);
      linksByIp.hit(ip);
      linksByAddress.hit(address);
      const site = input.site ? (await sites.resolveCodes([input.site])).found[0] : undefined;
      if (input.site && !site) return;
      const found = await contacts.byEmail(db, address, site?.id);
      const ids: number[] = [];
      for (const c of found) {
        const page = await tickets.list(
          intake(c.site_id),
          ticketListQuery.parse({ requester: c.id, sort: "-updated", limit: LINK_MAIL_REQUESTS }),
        );
        for (const v of page.items) ids.push((await tickets.visibleRow(intake(c.site_id), v.key)).id);
      }
      if (!ids.length) return;
      // Each ask is its own notice (the job's retries still send it once).
      const ask = randomToken(12);
      await db.transaction().execute(async (tx) => {
        for (const ticketId of ids.slice(0, LINK_MAIL_REQUESTS))
          await notifications.queueRequester(tx, {
            ticketId,
            template: "link",
            dedupeKey: `portal:${ticketId}:link:${ask}`,
          });
      });
    },

    /** Takes files ahead of the request or reply they belong to; each comes back as a signed token. */
    async upload(files: AsyncIterable<{ stream: Readable; filename: string | undefined }>, ip: string) {
      throttle([[uploadByIp, ip]]);
      uploadByIp.hit(ip);
      const staged: StagedFile[] = [];
      try {
        for await (const f of files) staged.push(await attachments.stage(f.stream, f.filename));
      } catch (e) {
        await attachments.discard(staged);
        throw e;
      }
      if (!staged.length)
        throw badRequest("attachment.missing", "No file in the upload", [
          { field: "file", message: "required" },
        ]);
      const now = clock.now();
      const items = [];
      for (const f of staged) {
        const stored = await attachments.place(f);
        items.push({
          token: uploads.issue(stored, now),
          filename: stored.filename,
          contentType: stored.contentType,
          size: stored.size,
        });
      }
      return { items };
    },
  };
}
export type WebFormService = ReturnType<typeof createWebFormService>;
