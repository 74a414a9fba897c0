import type { Db } from "../../db/database.js";
import type { Actor } from "../../shared/actor.js";
import { actorUserId } from "../../shared/actor.js";
import { toIso } from "../../shared/clock.js";
import { authorize } from "../../shared/policy.js";
import { RetryableConflict, subjectOf, type TicketsCore } from "./tickets.core.js";
import { attachmentInternal, attachmentNotLinkable, ticketClosed } from "./tickets.errors.js";
import { ticketPolicy } from "./tickets.policy.js";
import type { EventInput, TicketRow } from "./tickets.repository.js";
import type { MessageCreate, MessageView, SenderStatus, Status } from "./tickets.schemas.js";
import { assertTransition, statusTimes } from "./tickets.status.js";

/** The thread of a ticket: public replies, internal notes and the audit trail. */
export function createTicketThread(core: TicketsCore) {
  const { db, clock, repo, notify, visible, retrying, attachmentView } = core;

  /**
   * Whoever may not read internal content links only their own uploads (which are public); an internal
   * file never goes into a public reply, so it becomes public only by being uploaded as public.
   */
  async function checkLinkable(tx: Db, actor: Actor, t: TicketRow, input: MessageCreate) {
    const ids = [...new Set(input.attachmentIds)];
    if (!ids.length) return;
    const internal = ticketPolicy.readInternal(actor, subjectOf(t));
    const files = (await repo.looseAttachments(tx, t.id, ids)).filter(
      (f) => internal || (f.visibility === "public" && f.uploaded_by_user_id === actor.userId),
    );
    if (files.length !== ids.length) throw attachmentNotLinkable();
    if (input.kind === "reply" && files.some((f) => f.visibility !== "public")) throw attachmentInternal();
  }

  return {
    /** Adds a public reply or an internal note, linking uploaded attachments and moving the status on. */
    async addMessage(actor: Actor, key: string, input: MessageCreate): Promise<MessageView> {
      const messageId = await retrying(async () => {
        const t = await visible(actor, key);
        const subj = subjectOf(t);
        authorize(actor, input.kind === "note" ? ticketPolicy.note : ticketPolicy.reply, subj);
        if (t.status === "closed") throw ticketClosed();
        const staff = ticketPolicy.update(actor, subj) || ticketPolicy.note(actor, subj);
        const fromRequester = !staff;
        let status = t.status as Status;
        if (input.status) {
          authorize(actor, ticketPolicy.changeStatus, subj);
          assertTransition(status, input.status);
          status = input.status;
        } else if (input.kind === "reply") {
          if (fromRequester && ["pending-requester", "resolved"].includes(status)) status = "open";
          if (!fromRequester && status === "new") status = "open";
        }
        const now = clock.now();
        const set: Partial<TicketRow> = { updated_at: now };
        if (status !== t.status) Object.assign(set, { status }, statusTimes(status, now, t));
        if (!fromRequester && input.kind === "reply" && t.first_response_at === null)
          set.first_response_at = now;
        return db.transaction().execute(async (tx) => {
          await checkLinkable(tx, actor, t, input);
          if (!(await repo.update(tx, t.id, t.version, set))) throw new RetryableConflict();
          const { id } = await repo.insertMessage(tx, {
            ticket_id: t.id,
            kind: input.kind,
            author_user_id: actorUserId(actor),
            author_contact_id: fromRequester ? t.contact_id : null,
            body: input.body,
            channel: actor.via === "token" ? "api" : "web",
            created_at: now,
          });
          const ids = [...new Set(input.attachmentIds)];
          const linked = await repo.linkAttachments(
            tx,
            t.id,
            ids,
            id,
            input.kind === "note" ? "internal" : "public",
          );
          // a file claimed meanwhile by another message
          if (linked !== ids.length) throw attachmentNotLinkable();
          const events: EventInput[] = [
            {
              type: input.kind === "note" ? "note.added" : "reply.added",
              actorUserId: actorUserId(actor),
              after: { messageId: id, attachments: ids },
            },
          ];
          if (status !== t.status) {
            events.push({
              type: "ticket.updated",
              actorUserId: actorUserId(actor),
              before: { status: t.status },
              after: { status },
            });
          }
          await repo.addEvents(tx, t.id, events, now);
          await notify(tx, key, t, { type: "message", kind: input.kind, fromRequester, messageId: id }, now);
          return id;
        });
      });
      const page = await this.messages(actor, key, { afterId: messageId - 1, limit: 1 });
      return page.items[0] as MessageView;
    },

    async messages(actor: Actor, key: string, page: { afterId: number; limit: number }) {
      const t = await visible(actor, key);
      const internal = ticketPolicy.readInternal(actor, subjectOf(t));
      // Authors' names come with the messages and the requester's with the ticket: two round trips in all.
      const [rows, files] = await Promise.all([
        repo.messages(t.id, internal, page.afterId, page.limit + 1),
        repo.attachments(t.id, internal),
      ]);
      const items = rows.slice(0, page.limit);
      const requesterName = t.requester_name ?? t.requester_email;
      const views: MessageView[] = items.map((m) => ({
        id: m.id,
        kind: m.kind as MessageView["kind"],
        // Every contact-written message is the requester's (intake and replies write the ticket's contact).
        author: m.author_contact_id
          ? { type: "contact", id: m.author_contact_id, name: requesterName }
          : m.author_user_id
            ? { type: "user", id: m.author_user_id, name: m.author_name }
            : null,
        body: m.body,
        channel: m.channel,
        // Who really sent mail is for staff, who judge unverified senders; the requester sees their thread.
        sender:
          internal && m.sender_address
            ? {
                address: m.sender_address,
                name: m.sender_name,
                status: (m.sender_status ?? "known") as SenderStatus,
              }
            : null,
        createdAt: toIso(m.created_at),
        attachments: files.filter((f) => f.message_id === m.id).map((f) => attachmentView(key, f)),
      }));
      const last = items[items.length - 1];
      return { items: views, nextCursor: rows.length > page.limit && last ? String(last.id) : null };
    },

    async events(actor: Actor, key: string, page: { afterId: number; limit: number }) {
      const t = await visible(actor, key);
      authorize(actor, ticketPolicy.readInternal, subjectOf(t));
      const rows = await repo.events(t.id, page.afterId, page.limit + 1);
      const items = rows.slice(0, page.limit);
      const last = items[items.length - 1];
      return {
        items: items.map((e) => ({
          id: e.id,
          type: e.type,
          actor: e.actor_user_id ? { id: e.actor_user_id, name: e.actor_name ?? "" } : null,
          before: e.before ? (JSON.parse(e.before) as Record<string, unknown>) : null,
          after: e.after ? (JSON.parse(e.after) as Record<string, unknown>) : null,
          createdAt: toIso(e.created_at),
        })),
        nextCursor: rows.length > page.limit && last ? String(last.id) : null,
      };
    },
  };
}
