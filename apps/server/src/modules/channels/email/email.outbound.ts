import type { Readable } from "node:stream";
import type { Config } from "../../../config/config.js";
import type { Db } from "../../../db/database.js";
import type { Jobs } from "../../../jobs/jobs.js";
import { systemActor } from "../../../shared/actor.js";
import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { SecretBox } from "../../../shared/secrets.js";
import type { ContactsService } from "../../contacts/contacts.service.js";
import type { Delivery } from "../../notifications/notifications.channels.js";
import type { SitesService } from "../../sites/sites.service.js";
import type { TicketObserver, TicketsService } from "../../tickets/tickets.service.js";
import type { UsersService } from "../../users/users.service.js";
import type { EmailMessageRow, EmailRepository, MailboxRow } from "./email.repository.js";
import { canSend, smtpRoute } from "./email.smtp.js";
import { newMessageId, ticketSubject } from "./email.threading.js";

export const SEND_JOB = "email.send";
/** Automatic acknowledgements a sender gets at most per hour; beyond that their mail is taken silently. */
export const ACKS_PER_HOUR = 3;
const HOUR = 60 * 60 * 1000;
const BOUNCE_MEMORY = 30 * 24 * HOUR;

type Payload = { text: string; html: string };
type Deps = {
  db: Db;
  clock: Clock;
  jobs: Jobs;
  log: Logger;
  repo: EmailRepository;
  tickets: TicketsService;
  users: UsersService;
  contacts: ContactsService;
  sites: SitesService;
  secrets: SecretBox;
  email: Config["email"];
};

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

/** The text and HTML parts of a mail: the message, then a footer naming the ticket. */
export function render(body: string, footer: string): { text: string; html: string } {
  const paragraphs = body
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
  return {
    text: `${body.trim()}\n\n-- \n${footer}\n`,
    html: `<!doctype html><html><body>${paragraphs}\n<hr><p style="color:#666;font-size:small">${escapeHtml(footer)}</p></body></html>`,
  };
}

/**
 * Mail out: staff replies on email tickets, acknowledgements of new requests, and notices for the
 * notifications module. Each is recorded with its Message-ID (and queued as a job) in the transaction
 * that causes it, so a crash neither loses it nor sends it under another id; the job sends it.
 */
export function createEmailOutbound(deps: Deps) {
  const { db, clock, jobs, log, repo, tickets, users, contacts, sites, secrets, email } = deps;

  /** The mailbox a ticket's mail goes out from: the one its requester wrote to, else the site's first. */
  async function mailboxOfTicket(
    ticketId: number,
    siteId: number,
    exec: Db,
  ): Promise<MailboxRow | undefined> {
    const last = await repo.lastInbound(ticketId, exec);
    const own = last?.mailbox_id ? await repo.mailbox(last.mailbox_id, exec) : undefined;
    return own?.enabled ? own : repo.firstMailboxOfSite(siteId, exec);
  }

  /** Queues a mail for sending (its row and its send job, in the caller's transaction); `within` rate-limits it. */
  async function queue(
    tx: Db,
    row: Omit<
      EmailMessageRow,
      | "id"
      | "direction"
      | "status"
      | "status_detail"
      | "sent_at"
      | "uid"
      | "uid_validity"
      | "raw_sha256"
      | "from_name"
    >,
    within?: { since: number; max: number },
  ): Promise<EmailMessageRow | undefined> {
    const out = {
      ...row,
      direction: "out",
      status: "queued",
      status_detail: null,
      sent_at: null,
      uid: null,
      uid_validity: null,
      raw_sha256: null,
      from_name: null,
    };
    const created = within
      ? await repo.insertMessageWithin(tx, out, within.since, within.max)
      : await repo.insertMessage(tx, out);
    if (created) await jobs.enqueue(tx, SEND_JOB, { id: created.id });
    return created;
  }

  /** Threading headers answering the requester's latest mail on the ticket. */
  async function threadOf(ticketId: number, exec: Db) {
    const last = await repo.lastInbound(ticketId, exec);
    if (!last) return { inReplyTo: null, references: [] as string[] };
    const earlier = last.reference_ids ? (JSON.parse(last.reference_ids) as string[]) : [];
    return { inReplyTo: last.message_id, references: [...earlier, last.message_id].slice(-20) };
  }

  /** Queues a public staff reply on an email ticket as mail to the requester (a tickets.onWrite observer). */
  const onTicketWrite: TicketObserver = async (tx, ticket, _before, change, now) => {
    if (change.type !== "message" || change.kind !== "reply" || change.fromRequester) return;
    if (ticket.channel !== "email") return;
    const contact = (await contacts.byIds(tx, [ticket.contact_id])).get(ticket.contact_id);
    const mailbox = await mailboxOfTicket(ticket.id, ticket.site_id, tx);
    if (!contact?.email || !mailbox) return;
    const message = await tickets.messageRow(change.messageId, tx);
    if (!message) return;
    const thread = await threadOf(ticket.id, tx);
    const parts = render(message.body, `${ticket.key} · ${mailbox.display_name ?? mailbox.address}`);
    await queue(tx, {
      kind: "reply",
      mailbox_id: mailbox.id,
      message_id: newMessageId(ticket.key, mailbox.address),
      dedupe_key: `reply:${message.id}`,
      ticket_id: ticket.id,
      ticket_message_id: message.id,
      contact_id: contact.id,
      from_address: mailbox.address,
      to_address: contact.email,
      subject: ticketSubject(ticket.subject, ticket.key),
      in_reply_to: thread.inReplyTo,
      reference_ids: JSON.stringify(thread.references),
      payload: JSON.stringify(parts satisfies Payload),
      created_at: now,
    });
  };

  return {
    onTicketWrite,

    /**
     * Queues the acknowledgement of a new request, unless the sender had ACKS_PER_HOUR already this
     * hour (a loop with another robot that our other checks missed stops here). Answers whether it queued.
     */
    async acknowledge(
      tx: Db,
      input: {
        mailbox: MailboxRow;
        ticket: { id: number; key: string; subject: string };
        contactId: number;
        to: string;
        inbound: { id: number; messageId: string; references: string[] };
        now: number;
      },
    ): Promise<boolean> {
      if (!input.mailbox.auto_acknowledge) return false;
      const parts = render(
        `We have received your request and opened ticket ${input.ticket.key}.\n\nTo add information, reply to this mail and keep [${input.ticket.key}] in the subject.`,
        `${input.ticket.key} · ${input.mailbox.display_name ?? input.mailbox.address}`,
      );
      const queued = await queue(
        tx,
        {
          kind: "ack",
          mailbox_id: input.mailbox.id,
          message_id: newMessageId(input.ticket.key, input.mailbox.address),
          dedupe_key: `ack:${input.inbound.id}`,
          ticket_id: input.ticket.id,
          ticket_message_id: null,
          contact_id: input.contactId,
          from_address: input.mailbox.address,
          to_address: input.to,
          subject: ticketSubject(input.ticket.subject, input.ticket.key),
          in_reply_to: input.inbound.messageId,
          reference_ids: JSON.stringify([...input.inbound.references, input.inbound.messageId].slice(-20)),
          payload: JSON.stringify(parts satisfies Payload),
          created_at: input.now,
        },
        { since: input.now - HOUR, max: ACKS_PER_HOUR },
      );
      return queued !== undefined;
    },

    /** The notifications module's email sender: one notice to a user or a contact, once per dedupe key. */
    async sendNotice(delivery: Delivery): Promise<boolean> {
      const recipient = "userId" in delivery.to ? `u${delivery.to.userId}` : `c${delivery.to.contactId}`;
      const dedupeKey = `notice:${delivery.dedupeKey}:${recipient}`;
      let row = await repo.byDedupeKey(dedupeKey);
      if (!row) {
        const address =
          "userId" in delivery.to
            ? (await users.findById(delivery.to.userId))?.email
            : (await contacts.byIds(db, [delivery.to.contactId])).get(delivery.to.contactId)?.email;
        if (!address) return false;
        if (await repo.hardBouncedSince(address, clock.now() - BOUNCE_MEMORY)) return false;
        const ticket = delivery.ticketId ? await tickets.rowById(delivery.ticketId) : undefined;
        const mailbox = ticket ? ((await mailboxOfTicket(ticket.id, ticket.site_id, db)) ?? null) : null;
        if (!canSend(mailbox, email)) return false;
        const thread = ticket && ticket.channel === "email" ? await threadOf(ticket.id, db) : null;
        const fromAddress = mailbox?.address ?? (email.smtpFrom as string);
        const parts = render(
          [delivery.title, delivery.body].filter(Boolean).join("\n\n"),
          ticket ? `${ticket.key} · ${mailbox?.display_name ?? fromAddress}` : fromAddress,
        );
        const now = clock.now();
        row = await db.transaction().execute(async (tx) => {
          const created = await repo.insertMessage(tx, {
            direction: "out",
            kind: "notice",
            mailbox_id: mailbox?.id ?? null,
            message_id: newMessageId(ticket?.key ?? null, fromAddress),
            dedupe_key: dedupeKey,
            ticket_id: ticket?.id ?? null,
            ticket_message_id: null,
            contact_id: "contactId" in delivery.to ? delivery.to.contactId : null,
            from_address: fromAddress,
            to_address: address.toLowerCase(),
            subject: ticket ? ticketSubject(delivery.title, ticket.key, "") : delivery.title,
            in_reply_to: thread?.inReplyTo ?? null,
            reference_ids: JSON.stringify(thread?.references ?? []),
            payload: JSON.stringify(parts satisfies Payload),
            status: "queued",
            status_detail: null,
            created_at: now,
            sent_at: null,
            uid: null,
            uid_validity: null,
            raw_sha256: null,
          });
          return created;
        });
      }
      await this.send(row.id);
      return true;
    },

    /**
     * Sends one recorded mail (the job handler). Sent mail is not sent again; a retry after a crash
     * between sending and recording sends the same Message-ID, which mail clients show once. A
     * permanent refusal (5xx) is recorded as a bounce instead of retried.
     */
    async send(id: number): Promise<void> {
      const row = await repo.message(id);
      if (row?.direction !== "out" || row.status !== "queued") return;
      const mailbox = row.mailbox_id ? ((await repo.mailbox(row.mailbox_id)) ?? null) : null;
      const site = mailbox ? await sites.byId(mailbox.site_id) : undefined;
      const route = await smtpRoute(mailbox, email, secrets, site?.name);
      if (!route) {
        await repo.markFailed(id, "no SMTP server is configured for this mailbox or the hub (SMTP_URL)");
        return;
      }
      const payload = JSON.parse(row.payload ?? "{}") as Payload;
      const ticket = row.ticket_id ? await tickets.rowById(row.ticket_id) : undefined;
      const attachments: Array<{ filename: string; content: Readable; contentType: string }> = [];
      // A staff reply carries the public files posted with it.
      const files =
        ticket && row.ticket_message_id
          ? (await tickets.listAttachments(systemActor, ticket.key)).filter(
              (a) => a.messageId === row.ticket_message_id && a.visibility === "public",
            )
          : [];
      for (const a of files) {
        const file = await tickets.openAttachment(systemActor, (ticket as { key: string }).key, a.id);
        attachments.push({ filename: file.filename, content: file.stream, contentType: file.contentType });
      }
      const references = row.reference_ids ? (JSON.parse(row.reference_ids) as string[]) : [];
      try {
        const info = await route.transport.sendMail({
          from: route.from,
          replyTo: mailbox?.address ?? route.from.address,
          to: row.to_address ?? "",
          subject: row.subject ?? "",
          text: payload.text,
          html: payload.html,
          messageId: `<${row.message_id}>`,
          ...(row.in_reply_to ? { inReplyTo: `<${row.in_reply_to}>` } : {}),
          ...(references.length ? { references: references.map((r) => `<${r}>`) } : {}),
          headers: {
            ...(row.kind === "ack"
              ? { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" }
              : {}),
            ...(row.kind === "notice"
              ? { "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All" }
              : {}),
            ...(ticket ? { "X-Tierdesk-Ticket": ticket.key } : {}),
          },
          attachments,
        });
        await repo.markSent(id, clock.now(), String(info.response ?? "").slice(0, 500));
      } catch (e) {
        const err = e as { responseCode?: number; message?: string };
        if (err.responseCode && err.responseCode >= 500 && err.responseCode < 600) {
          await db.transaction().execute(async (tx) => {
            await repo.insertBounce(tx, {
              address: (row.to_address ?? "").toLowerCase(),
              site_id: mailbox?.site_id ?? null,
              contact_id: row.contact_id,
              email_message_id: row.id,
              permanent: 1,
              status: String(err.responseCode),
              diagnostic: (err.message ?? "").slice(0, 500),
              created_at: clock.now(),
            });
          });
          await repo.markFailed(id, err.message ?? String(err.responseCode));
          log.warn({ emailId: id, code: err.responseCode }, "mail refused permanently");
          return;
        }
        throw e;
      } finally {
        route.transport.close();
      }
    },
  };
}
export type EmailOutbound = ReturnType<typeof createEmailOutbound>;
