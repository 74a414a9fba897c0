import type { Db } from "../../db/database.js";
import type { StoredFile } from "../attachments/attachments.store.js";
import type { ContactInput, ContactRow } from "../contacts/contacts.service.js";
import { RetryableConflict, type TicketsCore } from "./tickets.core.js";
import { ticketClosed, ticketNotFound } from "./tickets.errors.js";
import { newTicketRow } from "./tickets.numbers.js";
import type { EventInput, TicketRow, TicketsRepository } from "./tickets.repository.js";
import type { Status } from "./tickets.schemas.js";
import { statusTimes } from "./tickets.status.js";

/** Who really sent a message that came in by mail, as their mail said. */
export type MailSender = { address: string; name: string | null };

/** A request that arrived by a channel (WhatsApp, email) from someone known only as a contact. */
export type ContactIntake = {
  siteId: number;
  requester: ContactInput;
  channel: string;
  subject: string;
  description: string;
  /** the same key for the same request, so a retried intake opens one ticket */
  requestKey: string;
  /**
   * The channel has just found no record of this request (its own record commits with the ticket, as an
   * email's Message-ID does), so the look for an earlier ticket is skipped; a concurrent twin still
   * fails on the unique request key, and the channel takes that as a duplicate.
   */
  checkedNew?: boolean;
  /**
   * The requester's identity is a claim nobody has checked (the web form without signing in): the ticket
   * goes to an unverified contact for the address, never to a known contact or account, until confirmed.
   */
  unverified?: boolean;
  tags?: string[];
  files?: StoredFile[];
  /** the mail's sender, recorded on the first message */
  sender?: MailSender;
  /** runs inside the intake's transaction, so a channel's own record (an email's Message-ID) commits with the ticket */
  inTx?: IntakeHook;
};
/**
 * The ticket an intake opened, as far as the channel needs it: what the opening wrote and nothing the
 * transaction's observers may have added since (its SLA summary), so no stale field is handed out.
 */
export type OpenedTicket = Pick<
  TicketRow,
  "id" | "key" | "number" | "site_id" | "contact_id" | "subject" | "status" | "category"
>;

/** What an intake wrote, for a channel's work in the same transaction. */
export type IntakeHook = (
  tx: Db,
  done: { ticketId: number; key: string; messageId: number; contactId: number; now: number },
) => Promise<void>;

/** The columns recording a sender the ticket knows (its requester, or someone they copied). */
export const knownSender = (sender?: MailSender) =>
  sender
    ? { sender_address: sender.address.toLowerCase(), sender_name: sender.name, sender_status: "known" }
    : {};

/** Files a channel message brought, linked to it with the visibility given; answers their audit events. */
export async function recordFiles(
  repo: TicketsRepository,
  tx: Db,
  ticketId: number,
  messageId: number,
  files: StoredFile[],
  visibility: "public" | "internal",
  now: number,
) {
  const events: EventInput[] = [];
  for (const f of files) {
    const a = await repo.insertAttachment(tx, {
      ticket_id: ticketId,
      filename: f.filename,
      content_type: f.contentType,
      size: f.size,
      sha256: f.sha256,
      visibility,
      uploaded_by_user_id: null,
      created_at: now,
    });
    await repo.linkAttachments(tx, ticketId, [a.id], messageId, visibility);
    events.push({
      type: "attachment.added",
      actorUserId: null,
      after: { attachmentId: a.id, filename: a.filename, size: a.size, visibility },
    });
  }
  return events;
}

/**
 * Tickets opened and followed by channel intake: the hub itself records what a requester sent, so no
 * signed-in actor is involved; the requester's messages count as theirs (reopening, SLA) as in the web app.
 */
export function createTicketIntake(core: TicketsCore) {
  const { db, clock, sites, contacts, repo, notify, openTicket, retrying, checkReference } = core;

  return {
    /** Opens a Level 1 ticket for a contact who wrote in by a channel; a repeated request key returns the first ticket. */
    async openForContact(input: ContactIntake): Promise<{ ticket: OpenedTicket; replayed: boolean }> {
      const earlier = input.checkedNew ? undefined : await repo.findByIntakeKey(input.requestKey);
      if (earlier) return { ticket: earlier, replayed: true };
      const site = await sites.byId(input.siteId);
      if (!site) throw new Error(`intake for unknown site ${input.siteId}`);
      const rank = (await checkReference("other", "normal")) as number;
      const opened = await retrying(() =>
        db.transaction().execute(async (tx) => {
          const now = clock.now();
          const contact = input.unverified
            ? await contacts.findOrCreateUnverified(tx, site.id, input.requester)
            : await contacts.findOrCreate(tx, site.id, input.requester);
          const { ticket } = await openTicket(tx, {
            siteCode: site.code,
            ticket: newTicketRow({
              site_id: site.id,
              subject: input.subject,
              priority: "normal",
              priority_rank: rank,
              category: "other",
              channel: input.channel,
              contact_id: contact.id,
              assignee_id: null,
              product: site.product,
              module: null,
              product_version: null,
              tags: input.tags ?? [],
              created_by: null,
              create_request_key: input.requestKey,
              now,
            }),
            message: {
              kind: "reply",
              author_user_id: null,
              author_contact_id: contact.id,
              body: input.description,
              channel: input.channel,
              ...knownSender(input.sender),
            },
            actorUserId: null,
            requesterUserId: contact.user_id,
            withOpened: async (t, messageId) => {
              await repo.addEvents(
                tx,
                t.id,
                await recordFiles(repo, tx, t.id, messageId, input.files ?? [], "public", now),
                now,
              );
              await input.inTx?.(tx, { ticketId: t.id, key: t.key, messageId, contactId: contact.id, now });
            },
          });
          return ticket;
        }),
      );
      return { ticket: opened, replayed: false };
    },

    /** Adds a message the requester sent by a channel to their ticket, with its files; reopens it as their reply would. */
    async addContactMessage(input: {
      ticketId: number;
      body: string;
      channel: string;
      files?: StoredFile[];
      /** the mail's sender, whom the channel found the ticket knows */
      sender?: MailSender;
      inTx?: IntakeHook;
    }): Promise<{ messageId: number; ticket: TicketRow }> {
      return retrying(async () => {
        const t = await repo.findById(input.ticketId);
        if (!t) throw ticketNotFound();
        if (t.status === "closed") throw ticketClosed();
        const status: Status = ["pending-requester", "resolved"].includes(t.status)
          ? "open"
          : (t.status as Status);
        const now = clock.now();
        const set: Partial<TicketRow> = { updated_at: now };
        if (status !== t.status) Object.assign(set, { status }, statusTimes(status, now, t));
        const messageId = await db.transaction().execute(async (tx) => {
          if (!(await repo.update(tx, t.id, t.version, set))) throw new RetryableConflict();
          const { id } = await repo.insertMessage(tx, {
            ticket_id: t.id,
            kind: "reply",
            author_user_id: null,
            author_contact_id: t.contact_id,
            body: input.body,
            channel: input.channel,
            created_at: now,
            ...knownSender(input.sender),
          });
          const files = await recordFiles(repo, tx, t.id, id, input.files ?? [], "public", now);
          const events: EventInput[] = [
            {
              type: "reply.added",
              actorUserId: null,
              after: { messageId: id, channel: input.channel, attachments: files.length },
            },
            ...files,
          ];
          if (status !== t.status)
            events.push({
              type: "ticket.updated",
              actorUserId: null,
              before: { status: t.status },
              after: { status },
            });
          await repo.addEvents(tx, t.id, events, now);
          await input.inTx?.(tx, { ticketId: t.id, key: t.key, messageId: id, contactId: t.contact_id, now });
          // The row as written: the version check above guarantees nothing else changed it.
          await notify(
            tx,
            t.key,
            t,
            { type: "message", kind: "reply", fromRequester: true, messageId: id },
            now,
            { ...t, ...set, version: t.version + 1 },
          );
          return id;
        });
        return { messageId, ticket: t };
      });
    },

    /**
     * Moves a ticket that an unverified contact opened onto the verified contact of the same address at its
     * site (found or made, and joined to the account `userId` of that address), with the requester's
     * messages: the owner of the mailbox confirmed the request. Links made for the unverified contact stop
     * working. A ticket no longer on that contact is returned as it is (a confirmation already done).
     */
    async confirmRequester(ticketId: number, from: ContactRow, userId: number | null): Promise<TicketRow> {
      return retrying(async () => {
        const t = await repo.findById(ticketId);
        if (!t) throw ticketNotFound();
        if (t.contact_id !== from.id || !from.unverified) return t;
        const now = clock.now();
        return db.transaction().execute(async (tx) => {
          const to = await contacts.findOrCreate(tx, t.site_id, {
            email: from.email,
            name: from.name,
            userId,
          });
          const set = { contact_id: to.id, updated_at: now };
          if (!(await repo.update(tx, t.id, t.version, set))) throw new RetryableConflict();
          await repo.moveContactMessages(tx, t.id, from.id, to.id);
          await repo.addEvents(
            tx,
            t.id,
            [
              {
                type: "requester.confirmed",
                actorUserId: null,
                before: { contactId: from.id },
                after: { contactId: to.id, userId: to.user_id },
              },
            ],
            now,
          );
          await notify(tx, t.key, t, { type: "updated", fields: ["requester"] }, now);
          return (await repo.findById(t.id, tx)) as TicketRow;
        });
      });
    },

    /** The contact's ticket on a channel that a new message there threads onto: one still open, or resolved within `reopenWindowMs`. */
    openTicketOfContact: (
      siteId: number,
      contactId: number,
      channel: string,
      reopenWindowMs: number,
      exec: Db = db,
    ) => repo.latestOpenOfContact(siteId, contactId, channel, clock.now() - reopenWindowMs, exec),

    /** One message of a thread by id, for channels that send staff replies out. */
    messageRow: (id: number, exec: Db = db) => repo.message(id, exec),
  };
}
