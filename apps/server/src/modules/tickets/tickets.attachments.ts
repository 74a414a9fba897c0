import type { Readable } from "node:stream";
import type { Actor } from "../../shared/actor.js";
import { actorUserId } from "../../shared/actor.js";
import { badRequest } from "../../shared/errors.js";
import { authorize } from "../../shared/policy.js";
import { INLINE_TYPES, type StagedFile, type StoredFile } from "../attachments/attachments.store.js";
import { subjectOf, type TicketsCore } from "./tickets.core.js";
import { attachmentNotFound, ticketClosed } from "./tickets.errors.js";
import { ticketPolicy } from "./tickets.policy.js";
import type { TicketRow } from "./tickets.repository.js";
import type { AttachmentView } from "./tickets.schemas.js";

/** Files on a ticket: checked uploads, visibility, downloads. */
export function createTicketAttachments(core: TicketsCore) {
  const { db, clock, repo, attachments, visible, attachmentView } = core;
  return {
    /** Checks that the actor may attach files here, before any upload is read. */
    async prepareUpload(
      actor: Actor,
      key: string,
    ): Promise<{ ticket: TicketRow; visibility: (wanted?: string) => "public" | "internal" }> {
      const t = await visible(actor, key);
      authorize(actor, ticketPolicy.attach, subjectOf(t));
      if (t.status === "closed") throw ticketClosed();
      const subj = subjectOf(t);
      const canReply = ticketPolicy.reply(actor, subj);
      const canNote = ticketPolicy.note(actor, subj);
      return {
        ticket: t,
        // Requesters' files are part of their conversation; vendor engineers' stay internal.
        visibility: (wanted) =>
          !canNote ? "public" : !canReply ? "internal" : wanted === "public" ? "public" : "internal",
      };
    },

    /**
     * Takes every file of an upload: each is checked in tmp/ first, and only when all are good are they
     * filed and recorded, so a refused file leaves neither rows nor stray files behind.
     */
    async uploadAttachments(
      actor: Actor,
      ticket: TicketRow,
      files: AsyncIterable<{ stream: Readable; filename: string | undefined }>,
      visibility: "public" | "internal",
    ): Promise<AttachmentView[]> {
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
      const stored = [];
      for (const f of staged) stored.push(await attachments.place(f));
      return this.recordAttachments(actor, ticket, stored, visibility);
    },

    /** Records stored files on the ticket in one transaction, so an upload lands whole or not at all. */
    async recordAttachments(
      actor: Actor,
      ticket: TicketRow,
      files: StoredFile[],
      visibility: "public" | "internal",
    ): Promise<AttachmentView[]> {
      const now = clock.now();
      const rows = await db.transaction().execute(async (tx) => {
        const out = [];
        for (const f of files) {
          const a = await repo.insertAttachment(tx, {
            ticket_id: ticket.id,
            filename: f.filename,
            content_type: f.contentType,
            size: f.size,
            sha256: f.sha256,
            visibility,
            uploaded_by_user_id: actorUserId(actor),
            created_at: now,
          });
          out.push(a);
        }
        await repo.addEvents(
          tx,
          ticket.id,
          out.map((a) => ({
            type: "attachment.added",
            actorUserId: actorUserId(actor),
            after: { attachmentId: a.id, filename: a.filename, size: a.size, visibility },
          })),
          now,
        );
        return out;
      });
      return rows.map((a) => attachmentView(ticket.key, a));
    },

    async listAttachments(actor: Actor, key: string): Promise<AttachmentView[]> {
      const t = await visible(actor, key);
      const rows = await repo.attachments(t.id, ticketPolicy.readInternal(actor, subjectOf(t)));
      return rows.map((a) => attachmentView(key, a));
    },

    async openAttachment(actor: Actor, key: string, id: number) {
      const t = await visible(actor, key);
      const a = await repo.attachment(t.id, id);
      if (!a || (a.visibility !== "public" && !ticketPolicy.readInternal(actor, subjectOf(t))))
        throw attachmentNotFound();
      const { stream, size } = await attachments.open(a.sha256);
      return {
        stream,
        size,
        filename: a.filename,
        contentType: a.content_type,
        inline: INLINE_TYPES.has(a.content_type),
      };
    },
  };
}
