import type { Db } from "../../db/database.js";
import type { Actor } from "../../shared/actor.js";
import { actorUserId } from "../../shared/actor.js";
import type { StoredFile } from "../attachments/attachments.store.js";
import { RetryableConflict, subjectOf, type TicketsCore } from "./tickets.core.js";
import {
  acceptForbidden,
  messageNotFound,
  messageNotHeld,
  ticketClosed,
  ticketNotFound,
} from "./tickets.errors.js";
import { type IntakeHook, type MailSender, recordFiles } from "./tickets.intake.js";
import { ticketPolicy } from "./tickets.policy.js";
import type { EventInput, TicketRow } from "./tickets.repository.js";
import type { MessageView, Status } from "./tickets.schemas.js";
import { statusTimes } from "./tickets.status.js";
import { createTicketThread } from "./tickets.thread.js";

/** Statuses a requester's reply takes back to open. */
const REOPENED_BY_REQUESTER = ["pending-requester", "resolved"];

/**
 * Mail that threads onto a ticket from a sender the ticket does not know: a ticket key or a Message-ID
 * can be copied by anyone, so such mail is held as an internal note (no reopening, no notice, no SLA
 * effect, its files internal) until staff accept it as the requester's reply.
 */
export function createTicketHeld(core: TicketsCore) {
  const { db, clock, repo, notify, visible, retrying } = core;
  const thread = createTicketThread(core);
  return {
    /** Holds a channel message from an unverified sender as an internal note of the ticket; refused on a closed ticket. */
    async addHeldMessage(input: {
      ticketId: number;
      body: string;
      channel: string;
      sender: MailSender;
      files?: StoredFile[];
      inTx?: IntakeHook;
    }): Promise<{ messageId: number; ticket: TicketRow }> {
      return retrying(async () => {
        const t = await repo.findById(input.ticketId);
        if (!t) throw ticketNotFound();
        if (t.status === "closed") throw ticketClosed();
        const now = clock.now();
        const messageId = await db.transaction().execute(async (tx) => {
          if (!(await repo.update(tx, t.id, t.version, { updated_at: now }))) throw new RetryableConflict();
          const { id } = await repo.insertMessage(tx, {
            ticket_id: t.id,
            kind: "note",
            author_user_id: null,
            author_contact_id: null,
            body: input.body,
            channel: input.channel,
            created_at: now,
            sender_address: input.sender.address.toLowerCase(),
            sender_name: input.sender.name,
            sender_status: "unverified",
          });
          const files = await recordFiles(repo, tx, t.id, id, input.files ?? [], "internal", now);
          await repo.addEvents(
            tx,
            t.id,
            [
              {
                type: "note.added",
                actorUserId: null,
                after: {
                  messageId: id,
                  channel: input.channel,
                  attachments: files.length,
                  unverifiedSender: input.sender.address.toLowerCase(),
                },
              },
              ...files,
            ],
            now,
          );
          await input.inTx?.(tx, { ticketId: t.id, key: t.key, messageId: id, contactId: t.contact_id, now });
          await notify(
            tx,
            t.key,
            t,
            { type: "message", kind: "note", fromRequester: false, messageId: id },
            now,
            { ...t, updated_at: now, version: t.version + 1 },
          );
          return id;
        });
        return { messageId, ticket: t };
      });
    },

    /**
     * Staff working the ticket accept a held message: it becomes the requester's public reply, with its
     * files public, and counts as their reply from now (reopening, the next-response clock), while the
     * real sender stays recorded on it.
     */
    async acceptHeldMessage(actor: Actor, key: string, messageId: number): Promise<MessageView> {
      await retrying(async () => {
        const t = await visible(actor, key);
        if (!ticketPolicy.update(actor, subjectOf(t))) throw acceptForbidden();
        const m = await repo.message(messageId);
        if (!m || m.ticket_id !== t.id) throw messageNotFound();
        if (m.kind !== "note" || m.sender_status !== "unverified") throw messageNotHeld();
        if (t.status === "closed") throw ticketClosed();
        const status: Status = REOPENED_BY_REQUESTER.includes(t.status) ? "open" : (t.status as Status);
        const now = clock.now();
        const set: Partial<TicketRow> = { updated_at: now };
        if (status !== t.status) Object.assign(set, { status }, statusTimes(status, now, t));
        await db.transaction().execute(async (tx: Db) => {
          if (!(await repo.update(tx, t.id, t.version, set))) throw new RetryableConflict();
          if (!(await repo.acceptHeld(tx, m.id, t.contact_id))) throw messageNotHeld();
          const published = await repo.publishMessageFiles(tx, t.id, m.id);
          const by = actorUserId(actor);
          const events: EventInput[] = [
            {
              type: "message.sender_accepted",
              actorUserId: by,
              after: {
                messageId: m.id,
                sender: m.sender_address,
                name: m.sender_name,
                attachments: published,
              },
            },
            {
              type: "reply.added",
              actorUserId: by,
              after: { messageId: m.id, channel: m.channel, accepted: true },
            },
          ];
          if (status !== t.status)
            events.push({
              type: "ticket.updated",
              actorUserId: by,
              before: { status: t.status },
              after: { status },
            });
          await repo.addEvents(tx, t.id, events, now);
          await notify(
            tx,
            t.key,
            t,
            { type: "message", kind: "reply", fromRequester: true, messageId: m.id },
            now,
            { ...t, ...set, version: t.version + 1 },
          );
        });
      });
      const page = await thread.messages(actor, key, { afterId: messageId - 1, limit: 1 });
      return page.items[0] as MessageView;
    },
  };
}
