import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { Db } from "../../../db/database.js";
import { isUniqueViolation } from "../../../db/database.js";
import type { Clock } from "../../../shared/clock.js";
import { AppError } from "../../../shared/errors.js";
import type { Logger } from "../../../shared/logger.js";
import type { AttachmentStore, StoredFile } from "../../attachments/attachments.store.js";
import type { ContactsService } from "../../contacts/contacts.service.js";
import type { SitesService } from "../../sites/sites.service.js";
import type { TicketsService } from "../../tickets/tickets.service.js";
import type { UsersService } from "../../users/users.service.js";
import { classify, type MailClass, readBounce } from "./email.loops.js";
import type { EmailOutbound } from "./email.outbound.js";
import { cleanText, type ParsedEmail, parseEmail } from "./email.parse.js";
import type { RawStore } from "./email.rawstore.js";
import type { EmailRepository, MailboxRow } from "./email.repository.js";
import { createSenderCheck } from "./email.senders.js";
import { findThread } from "./email.threading.js";
import { trimReply } from "./email.trim.js";

/** Where a message came from in its mailbox: an IMAP UID under its UIDVALIDITY, or nothing (SMTP). */
export type MailSource = { uidValidity: number; uid: number } | null;
export type TakeResult =
  | { outcome: "duplicate" }
  | { outcome: "opened" | "replied"; ticketKey: string; emailId: number }
  /** threaded onto a ticket from a sender it does not know: an internal note for staff to accept */
  | { outcome: "held"; ticketKey: string; emailId: number }
  | { outcome: "ignored" | "bounce"; ticketKey: string | null; emailId: number; reason: string };

type Deps = {
  db: Db;
  clock: Clock;
  log: Logger;
  repo: EmailRepository;
  raw: RawStore;
  attachments: AttachmentStore;
  tickets: TicketsService;
  sites: SitesService;
  contacts: ContactsService;
  users: UsersService;
  outbound: EmailOutbound;
  maxBytes: number;
};

const BODY_MAX = 50_000;
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Mail in. Each message is taken exactly once per mailbox: its row in email_messages (unique by
 * Message-ID and by UID) commits in the same transaction as the ticket message it becomes, so a crash
 * before the commit leaves nothing and the message is fetched again, and a message seen again (a
 * retry, the same mail by IMAP and by SMTP) is skipped.
 */
export function createEmailInbound(deps: Deps) {
  const { db, clock, log, repo, raw, attachments, tickets, sites, outbound, maxBytes } = deps;
  const senders = createSenderCheck(deps);

  /** Files the mail's attachments; one too large or of a refused type is left out, with a line saying so. */
  async function fileAttachments(mail: ParsedEmail): Promise<{ files: StoredFile[]; dropped: string[] }> {
    const files: StoredFile[] = [];
    const dropped: string[] = [];
    for (const a of mail.attachments) {
      if (a.contentType === "message/delivery-status" || a.contentType === "text/rfc822-headers") continue;
      if (a.content.length > maxBytes) {
        dropped.push(`${a.filename} (${mib(a.content.length)}) was not kept: larger than ${mib(maxBytes)}`);
        continue;
      }
      try {
        const staged = await attachments.stage(Readable.from([a.content]), a.filename);
        files.push(await attachments.place(staged));
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        dropped.push(`${a.filename} was not kept: ${e.message}`);
      }
    }
    return { files, dropped };
  }

  async function record(
    tx: Db,
    mailbox: MailboxRow,
    mail: ParsedEmail,
    source: MailSource,
    sha: string,
    fields: {
      kind: string;
      status: string;
      detail: string | null;
      ticketId: number | null;
      messageId: number | null;
      contactId: number | null;
      now: number;
    },
  ) {
    return repo.insertMessage(tx, {
      direction: "in",
      kind: fields.kind,
      mailbox_id: mailbox.id,
      message_id: mail.messageId,
      uid_validity: source?.uidValidity ?? null,
      uid: source?.uid ?? null,
      dedupe_key: null,
      ticket_id: fields.ticketId,
      ticket_message_id: fields.messageId,
      contact_id: fields.contactId,
      from_address: mail.from?.address ?? null,
      from_name: mail.from?.name ? cleanText(mail.from.name, 300) : null,
      to_address: mailbox.address,
      subject: cleanText(mail.subject, 1000),
      in_reply_to: mail.inReplyTo,
      reference_ids: JSON.stringify(mail.references.slice(-50)),
      raw_sha256: sha,
      payload: mail.html ? JSON.stringify({ html: cleanText(mail.html, 500_000) }) : null,
      status: fields.status,
      status_detail: fields.detail,
      created_at: fields.now,
      sent_at: null,
    });
  }

  /** A bounce: no ticket, no answer; recorded against the address and noted on the ticket of the mail that bounced. */
  async function takeBounce(
    mailbox: MailboxRow,
    mail: ParsedEmail,
    source: MailSource,
    sha: string,
  ): Promise<TakeResult> {
    const report = readBounce(mail);
    const original = report.originalMessageId
      ? await repo.outboundByMessageId(report.originalMessageId)
      : undefined;
    const now = clock.now();
    const address = report.recipient ?? original?.to_address ?? null;
    const row = await db.transaction().execute(async (tx) => {
      const ticketId = original?.ticket_id ?? null;
      if (ticketId) await tickets.lockRows(tx, [ticketId]);
      const row = await record(tx, mailbox, mail, source, sha, {
        kind: "bounce",
        status: "bounce",
        detail: [report.status, report.diagnostic].filter(Boolean).join(" ") || null,
        ticketId,
        messageId: null,
        contactId: original?.contact_id ?? null,
        now,
      });
      if (address) {
        await repo.insertBounce(tx, {
          address,
          site_id: mailbox.site_id,
          contact_id: original?.contact_id ?? null,
          email_message_id: original?.id ?? null,
          permanent: report.permanent ? 1 : 0,
          status: report.status,
          diagnostic: report.diagnostic,
          created_at: now,
        });
      }
      if (ticketId) {
        await tickets.recordSystemChange(
          tx,
          ticketId,
          {},
          [
            {
              type: "email.bounced",
              actorUserId: null,
              after: {
                address,
                status: report.status,
                permanent: report.permanent,
                diagnostic: report.diagnostic,
              },
            },
          ],
          now,
        );
      }
      return row;
    });
    const ticket = row.ticket_id ? await tickets.rowById(row.ticket_id) : undefined;
    return {
      outcome: "bounce",
      ticketKey: ticket?.key ?? null,
      emailId: row.id,
      reason: report.status ?? "bounce",
    };
  }

  /**
   * An automatic reply (out of office) is never answered and never opens a ticket: answering it, or
   * opening a ticket that acknowledges it, is how mail loops start. On a ticket it threads onto, it
   * becomes an event, not a message, so it neither reopens the ticket nor stops an SLA clock, while
   * agents still see that the requester is away.
   */
  async function takeAutoReply(
    mailbox: MailboxRow,
    mail: ParsedEmail,
    source: MailSource,
    sha: string,
    cls: MailClass,
    ticketId: number | null,
  ): Promise<TakeResult> {
    const now = clock.now();
    const row = await db.transaction().execute(async (tx) => {
      if (ticketId) await tickets.lockRows(tx, [ticketId]);
      const row = await record(tx, mailbox, mail, source, sha, {
        kind: "auto-reply",
        status: "ignored",
        detail: cls.reason,
        ticketId,
        messageId: null,
        contactId: null,
        now,
      });
      if (ticketId) {
        await tickets.recordSystemChange(
          tx,
          ticketId,
          {},
          [
            {
              type: "email.auto_reply",
              actorUserId: null,
              after: {
                emailId: row.id,
                from: mail.from?.address ?? null,
                subject: cleanText(mail.subject, 300),
                excerpt: cleanText(mail.text, 500),
              },
            },
          ],
          now,
        );
      }
      return row;
    });
    const ticket = ticketId ? await tickets.rowById(ticketId) : undefined;
    return {
      outcome: "ignored",
      ticketKey: ticket?.key ?? null,
      emailId: row.id,
      reason: cls.reason ?? "auto-reply",
    };
  }

  return {
    /** Takes one raw message that arrived in a mailbox; safe to call again with the same message. */
    async take(mailbox: MailboxRow, rawMail: Buffer, source: MailSource): Promise<TakeResult> {
      const mail = await parseEmail(rawMail);
      if (await repo.alreadyTaken(mailbox.id, mail.messageId, source)) return { outcome: "duplicate" };
      const sha = await raw.put(rawMail);
      try {
        return await this.ingest(mailbox, mail, source, sha);
      } catch (e) {
        // Another reader (or a retry) committed the same message first.
        if (isUniqueViolation(e)) return { outcome: "duplicate" };
        throw e;
      }
    },

    async ingest(
      mailbox: MailboxRow,
      mail: ParsedEmail,
      source: MailSource,
      sha: string,
    ): Promise<TakeResult> {
      const site = await sites.byId(mailbox.site_id);
      if (!site) throw new Error(`mailbox ${mailbox.id} has no site`);
      let cls = classify(mail);
      // Mail from one of our own addresses is our mail coming back: taking it would answer ourselves.
      if (mail.from && (await repo.isOwnAddress(mail.from.address)))
        cls = { kind: "auto-reply", reason: "sent by a Tierdesk mailbox" };
      if (cls.kind === "bounce") return takeBounce(mailbox, mail, source, sha);
      const thread = await findThread({ repo, tickets }, site, mail);
      if (cls.kind === "auto-reply")
        return takeAutoReply(mailbox, mail, source, sha, cls, thread?.ticket.id ?? null);
      if (!mail.from) {
        const row = await db.transaction().execute((tx) =>
          record(tx, mailbox, mail, source, sha, {
            kind: "mail",
            status: "ignored",
            detail: "no sender address",
            ticketId: null,
            messageId: null,
            contactId: null,
            now: clock.now(),
          }),
        );
        return { outcome: "ignored", ticketKey: null, emailId: row.id, reason: "no sender address" };
      }
      const sender = {
        address: mail.from.address,
        name: mail.from.name ? cleanText(mail.from.name, 300) : null,
      };
      // Threading finds the ticket; only the sender decides whether the mail speaks for its requester.
      const who = thread ? await senders.whoIs(thread.ticket, sender.address) : null;
      const { files, dropped } = await fileAttachments(mail);
      const onTicket = thread && thread.ticket.status !== "closed" ? thread.ticket : null;
      const text = onTicket ? trimReply(mail.text).body : mail.text.trim();
      const notes = dropped.map((d) => `[${d}]`).join("\n");
      const body = cleanText([text || "(no text)", notes].filter(Boolean).join("\n\n"), BODY_MAX);
      let emailId = 0;
      /** Records the mail with what it became; `fromRequester`: whom it copies joins the ticket's participants. */
      const hook =
        (
          status: "taken" | "held",
          fromRequester: boolean,
          extra?: (
            tx: Db,
            done: { ticketId: number; key: string; contactId: number; now: number },
          ) => Promise<void>,
        ) =>
        async (
          tx: Db,
          done: { ticketId: number; key: string; messageId: number; contactId: number; now: number },
        ) => {
          const row = await record(tx, mailbox, mail, source, sha, {
            kind: cls.kind === "bulk" ? "bulk" : "mail",
            status,
            detail: status === "held" ? "from an unverified sender" : cls.reason,
            ticketId: done.ticketId,
            messageId: done.messageId,
            contactId: status === "held" ? null : done.contactId,
            now: done.now,
          });
          emailId = row.id;
          if (dropped.length) {
            await tickets.recordSystemChange(
              tx,
              done.ticketId,
              {},
              dropped.map((d) => ({
                type: "email.attachment_dropped",
                actorUserId: null,
                after: { emailId: row.id, reason: d },
              })),
              done.now,
            );
          }
          if (fromRequester)
            await senders.rememberCopied(tx, done.ticketId, row.id, sender.address, mail.to, done.now);
          await extra?.(tx, done);
        };
      if (onTicket) {
        try {
          if (who) {
            const { ticket } = await tickets.addContactMessage({
              ticketId: onTicket.id,
              body,
              channel: "email",
              files,
              sender,
              inTx: hook("taken", who === "requester"),
            });
            return { outcome: "replied", ticketKey: ticket.key, emailId };
          }
          const { ticket } = await tickets.addHeldMessage({
            ticketId: onTicket.id,
            body,
            channel: "email",
            files,
            sender,
            inTx: hook("held", false),
          });
          log.info(
            { mailbox: mailbox.id, ticket: ticket.key, emailId },
            "mail from an unverified sender held",
          );
          return { outcome: "held", ticketKey: ticket.key, emailId };
        } catch (e) {
          // Closed between our look and the write: the mail opens a follow-up ticket below.
          if (!(e instanceof AppError && e.code === "ticket.closed")) throw e;
        }
      }
      // A closed ticket takes no mail: it opens a new ticket of the sender's own, naming the old one,
      // marked when the old ticket did not know the sender (the link is then only their claim).
      const followUp = thread ? { of: thread.ticket.key, ...(who ? {} : { sender: "unverified" }) } : null;
      const { ticket, replayed } = await tickets.openForContact({
        siteId: site.id,
        requester: { email: mail.from.address, name: mail.from.name },
        channel: "email",
        subject: cleanText(mail.subject, 300) || "(no subject)",
        description: body,
        requestKey: `email:${createHash("sha256").update(`${mailbox.id}\n${mail.messageId}`).digest("hex").slice(0, 40)}`,
        // take() has just checked that this mailbox never took this Message-ID.
        checkedNew: true,
        tags: cls.kind === "bulk" ? ["email-bulk"] : [],
        files,
        sender,
        inTx: hook("taken", true, async (tx, done) => {
          if (followUp) {
            await tickets.recordSystemChange(
              tx,
              done.ticketId,
              {},
              [{ type: "ticket.follow_up", actorUserId: null, after: followUp }],
              done.now,
            );
          }
          if (cls.kind !== "mail" || !mail.from) return;
          await outbound.acknowledge(tx, {
            mailbox,
            ticket: {
              id: done.ticketId,
              key: done.key,
              subject: cleanText(mail.subject, 300) || "(no subject)",
            },
            contactId: done.contactId,
            to: mail.from.address,
            inbound: { id: emailId, messageId: mail.messageId, references: mail.references },
            now: done.now,
          });
        }),
      });
      // Another reader opened the ticket for this very message while we were parsing it.
      if (replayed) return { outcome: "duplicate" };
      log.debug({ mailbox: mailbox.id, ticket: ticket.key }, "mail opened a ticket");
      return { outcome: "opened", ticketKey: ticket.key, emailId };
    },
  };
}
export type EmailInbound = ReturnType<typeof createEmailInbound>;
