import type { Db } from "../../../db/database.js";
import { systemActor } from "../../../shared/actor.js";
import type { Clock } from "../../../shared/clock.js";
import { AppError } from "../../../shared/errors.js";
import type { Logger } from "../../../shared/logger.js";
import type { AttachmentStore, StoredFile } from "../../attachments/attachments.store.js";
import type { ChatbotService } from "../../chatbot/chatbot.service.js";
import type { ContactsService } from "../../contacts/contacts.service.js";
import type { TicketsService } from "../../tickets/tickets.service.js";
import { type GraphClient, GraphError } from "./whatsapp.graph.js";
import type { WhatsappOutbound } from "./whatsapp.outbound.js";
import type { InboundRow, WhatsappRepository } from "./whatsapp.repository.js";
import type { InboundMessage } from "./whatsapp.schemas.js";
import type { OpenNumber, WhatsappSettingsService } from "./whatsapp.settings.js";

/** A message to a ticket resolved this recently reopens it; after that it starts a new conversation. */
export const REOPEN_MS = 7 * 24 * 60 * 60 * 1000;

const UNSUPPORTED =
  "Sorry, I can read text messages, pictures and documents only. Please write your question in words.";

type Media = { id: string; mimeType: string | null; filename: string };
type Content = { text: string; media: Media | null } | { unsupported: string };

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/gif": "gif",
  "application/pdf": "pdf",
};

/** What an inbound message says, and the file it carries, in the terms of a ticket message. */
export function contentOf(m: InboundMessage): Content {
  if (m.type === "text" && m.text?.body.trim()) return { text: m.text.body.trim(), media: null };
  if (m.type === "image" && m.image) {
    const ext = EXTENSIONS[m.image.mime_type ?? ""] ?? "jpg";
    return {
      text: m.image.caption?.trim() || "(sent a picture)",
      media: {
        id: m.image.id,
        mimeType: m.image.mime_type ?? null,
        filename: `whatsapp-${m.image.id}.${ext}`,
      },
    };
  }
  if (m.type === "document" && m.document) {
    const filename =
      m.document.filename?.trim() ||
      `whatsapp-${m.document.id}.${EXTENSIONS[m.document.mime_type ?? ""] ?? "bin"}`;
    return {
      text: m.document.caption?.trim() || `(sent a document: ${filename})`,
      media: { id: m.document.id, mimeType: m.document.mime_type ?? null, filename },
    };
  }
  return { unsupported: m.type };
}

/**
 * The processing job behind the webhook: each new message is matched to its contact (by WhatsApp id),
 * threaded onto their open ticket, or else answered by the chatbot, which hands over to an L1 ticket;
 * media are fetched through the Graph API into the ticket's attachments.
 */
export function createWhatsappInbound({
  db,
  clock,
  log,
  repo,
  settings,
  graph,
  contacts,
  tickets,
  chatbot,
  attachments,
  outbound,
  publicUrl,
}: {
  db: Db;
  clock: Clock;
  log: Logger;
  repo: WhatsappRepository;
  settings: WhatsappSettingsService;
  graph: GraphClient;
  contacts: ContactsService;
  tickets: TicketsService;
  chatbot: ChatbotService;
  attachments: AttachmentStore;
  outbound: WhatsappOutbound;
  publicUrl: string;
}) {
  /** Downloads a medium into the attachment store; a file that cannot be had is noted instead (retryable failures throw). */
  async function fetchMedia(
    number: OpenNumber,
    media: Media,
  ): Promise<{ files: StoredFile[]; note: string }> {
    try {
      const info = await graph.mediaInfo(media.id, number.accessToken);
      const stream = await graph.download(info.url, number.accessToken);
      const staged = await attachments.stage(stream, media.filename);
      return { files: [await attachments.place(staged)], note: "" };
    } catch (e) {
      if (e instanceof GraphError && e.retryable) throw e;
      if (!(e instanceof GraphError || e instanceof AppError)) throw e;
      log.warn({ err: e, media: media.id }, "WhatsApp media not kept");
      return { files: [], note: `\n\n(The file ${media.filename} could not be kept: ${e.message})` };
    }
  }

  async function finish(row: InboundRow, outcome: string, ticketId: number | null, exec: Db = db) {
    await repo.finishInbound(
      row.id,
      {
        state: outcome === "ignored" ? "ignored" : "done",
        outcome,
        ticket_id: ticketId,
        processed_at: clock.now(),
      },
      exec,
    );
  }

  async function processOne(row: InboundRow): Promise<void> {
    const number = await settings.number(row.number_id);
    if (!number?.enabled) return finish(row, "ignored", null);
    const content = contentOf(JSON.parse(row.message) as InboundMessage);
    if ("unsupported" in content && content.unsupported === "reaction") return finish(row, "ignored", null);
    const now = clock.now();
    const { contact, chat } = await db.transaction().execute(async (tx) => {
      const contact = await contacts.findOrCreate(tx, number.siteId, {
        whatsappId: row.wa_id,
        phone: `+${row.wa_id}`,
        name: row.profile_name,
      });
      const chat = await repo.touchChat(
        tx,
        {
          number_id: number.id,
          wa_id: row.wa_id,
          contact_id: contact.id,
          profile_name: row.profile_name,
          at: row.sent_at,
        },
        now,
      );
      return { contact, chat };
    });
    const reply = (body: string, tx: Db) =>
      outbound.queue(tx, {
        number,
        waId: row.wa_id,
        contactId: contact.id,
        ticketId: null,
        ticketMessageId: null,
        purpose: "chatbot",
        body,
        dedupeKey: `inbound:${row.wamid}`,
      });
    const media = "media" in content && content.media ? await fetchMedia(number, content.media) : null;
    const text =
      "text" in content
        ? content.text
        : `(sent a ${content.unsupported} message, which Tierdesk cannot show)`;

    const open = await tickets.openTicketOfContact(number.siteId, contact.id, "whatsapp", REOPEN_MS);
    if (open) {
      await tickets.addContactMessage({
        ticketId: open.id,
        body: text + (media?.note ?? ""),
        channel: "whatsapp",
        files: media?.files ?? [],
      });
      return finish(row, "threaded", open.id);
    }
    if ("unsupported" in content)
      return db.transaction().execute(async (tx) => {
        await reply(UNSUPPORTED, tx);
        await finish(row, "unsupported", null, tx);
      });

    const exchange = await chatbot.channelMessage(
      {
        siteId: number.siteId,
        language: number.language,
        name: row.profile_name ?? "",
        requester: { whatsappId: row.wa_id, phone: `+${row.wa_id}`, name: row.profile_name },
        channel: "whatsapp",
        linkBase: publicUrl,
      },
      chat.conversation_id,
      text,
      { handOver: !!media },
    );
    const key = exchange.conversation.ticketKey;
    const ticket = key ? await tickets.visibleRow(systemActor, key) : undefined;
    if (ticket && media)
      await tickets.addContactMessage({
        ticketId: ticket.id,
        body: text + media.note,
        channel: "whatsapp",
        files: media.files,
      });
    await db.transaction().execute(async (tx) => {
      await repo.setConversation(chat.id, exchange.conversation.id, clock.now(), tx);
      await reply(exchange.reply.text, tx);
      await finish(row, ticket ? "handed_over" : "chatbot", ticket?.id ?? null, tx);
    });
  }

  return {
    /** Processes the new messages of one delivery, in order; one already done is skipped, so a retry is safe. */
    async process(ids: number[]): Promise<void> {
      for (const row of await repo.inboundByIds(ids)) {
        if (row.state !== "queued") continue;
        try {
          await processOne(row);
        } catch (e) {
          // A refusal by our own services will not change on retry; keep the message and move on.
          if (!(e instanceof AppError) || e.status >= 500) throw e;
          log.warn({ err: e, wamid: row.wamid }, "WhatsApp message could not be taken in");
          await finish(row, "ignored", null);
        }
      }
    },
  };
}
export type WhatsappInbound = ReturnType<typeof createWhatsappInbound>;
