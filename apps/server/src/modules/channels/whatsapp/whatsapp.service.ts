import type { Db } from "../../../db/database.js";
import type { Jobs } from "../../../jobs/jobs.js";
import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { SecretBox } from "../../../shared/secrets.js";
import type { AttachmentStore } from "../../attachments/attachments.store.js";
import type { ChatbotService } from "../../chatbot/chatbot.service.js";
import type { ContactsService } from "../../contacts/contacts.service.js";
import type { ChannelRegistry, Delivery } from "../../notifications/notifications.channels.js";
import type { SitesService } from "../../sites/sites.service.js";
import type { TicketObserver, TicketsService } from "../../tickets/tickets.service.js";
import { createGraphClient, type GraphClient } from "./whatsapp.graph.js";
import { createWhatsappInbound } from "./whatsapp.inbound.js";
import { createWhatsappOutbound } from "./whatsapp.outbound.js";
import { createWhatsappRepository } from "./whatsapp.repository.js";
import { createWhatsappSettings } from "./whatsapp.settings.js";
import { createWhatsappWebhook, PROCESS_JOB } from "./whatsapp.webhook.js";

export type WhatsappDeps = {
  db: Db;
  clock: Clock;
  jobs: Jobs;
  log: Logger;
  secrets: SecretBox;
  sites: SitesService;
  contacts: ContactsService;
  tickets: TicketsService;
  chatbot: ChatbotService;
  attachments: AttachmentStore;
  outbound: ChannelRegistry;
  publicUrl: string;
  graph: { url: string; version: string };
  /** the HTTP client the Graph API is called with (tests may wrap it) */
  fetch?: typeof fetch;
};

/**
 * The WhatsApp channel (Cloud API): per-site numbers and settings, the webhook (fast: verify, record,
 * answer), a job that takes messages in (chatbot first, then tickets), staff replies sent back over
 * WhatsApp (free text within 24 hours of the person's last message, an approved template after), and
 * a sender for notices.
 */
export function createWhatsappChannel(deps: WhatsappDeps) {
  const { db, clock, jobs, log, tickets, contacts } = deps;
  const repo = createWhatsappRepository(db);
  const graph: GraphClient = createGraphClient(deps.graph, deps.fetch);
  const settings = createWhatsappSettings({
    db,
    clock,
    sites: deps.sites,
    secrets: deps.secrets,
    publicUrl: deps.publicUrl,
    log,
  });
  const outbound = createWhatsappOutbound({ clock, jobs, log, repo, settings, graph, tickets });
  const inbound = createWhatsappInbound({
    db,
    clock,
    log,
    repo,
    settings,
    graph,
    contacts,
    tickets,
    chatbot: deps.chatbot,
    attachments: deps.attachments,
    outbound,
    publicUrl: deps.publicUrl,
  });
  const webhook = createWhatsappWebhook({ db, clock, jobs, log, repo, settings });

  outbound.register(db);
  jobs.register({
    name: PROCESS_JOB,
    retryLimit: 8,
    retryDelaySeconds: 5,
    leaseSeconds: 300,
    handler: async (payload) => {
      await inbound.process((payload.messages as number[] | undefined) ?? []);
      await outbound.applyStatuses(db, (payload.statuses as number[] | undefined) ?? []);
    },
  });

  /** A staff reply on a ticket that came by WhatsApp goes back to the person, queued in the reply's transaction. */
  const onTicketWrite: TicketObserver = async (tx, ticket, _before, change) => {
    if (change.type !== "message" || change.kind !== "reply" || change.fromRequester) return;
    if (ticket.channel !== "whatsapp") return;
    const [message, contact, number] = await Promise.all([
      tickets.messageRow(change.messageId, tx),
      contacts.byIds(tx, [ticket.contact_id]).then((m) => m.get(ticket.contact_id)),
      repo.numberBySite(ticket.site_id, tx),
    ]);
    if (!message) return;
    if (!contact?.whatsapp_id || !number) {
      // Staff must see on the ticket that the requester did not get this reply, not only the operator in a log.
      const reason = !number
        ? "no WhatsApp number is set up for the site"
        : "the requester has no WhatsApp id";
      await tickets.recordSystemChange(
        tx,
        ticket.id,
        {},
        [{ type: "whatsapp.not_sent", actorUserId: null, after: { messageId: message.id, reason } }],
        clock.now(),
      );
      log.info({ ticket: ticket.key, reason }, "WhatsApp reply not sent");
      return;
    }
    await outbound.queue(tx, {
      number,
      waId: contact.whatsapp_id,
      contactId: contact.id,
      ticketId: ticket.id,
      ticketMessageId: message.id,
      purpose: "reply",
      body: message.body,
      dedupeKey: `ticket-message:${message.id}`,
    });
  };
  tickets.onWrite(onTicketWrite);

  /**
   * Sends a notice to a contact known by WhatsApp; false for anyone else (staff have no WhatsApp id
   * here). The notice is stored and queued once per dedupe key; the send job does the retrying.
   */
  async function sendNotice(delivery: Delivery): Promise<boolean> {
    if (!("contactId" in delivery.to)) return false;
    const contact = (await contacts.byIds(db, [delivery.to.contactId])).get(delivery.to.contactId);
    const waId = contact?.whatsapp_id;
    if (!contact || !waId) return false;
    const number = await repo.numberBySite(contact.site_id);
    if (number?.enabled !== 1) return false;
    await db.transaction().execute((tx) =>
      outbound.queue(tx, {
        number,
        waId,
        contactId: contact.id,
        ticketId: delivery.ticketId,
        ticketMessageId: null,
        purpose: "notice",
        body: delivery.body ? `${delivery.title}\n\n${delivery.body}` : delivery.title,
        dedupeKey: `notice:${delivery.dedupeKey}:${contact.id}`,
      }),
    );
    return true;
  }
  deps.outbound.register("whatsapp", sendNotice);

  return {
    settings,
    webhook,
    /** Our WhatsApp messages on a ticket with their delivery state, oldest first. */
    messagesOfTicket: (ticketId: number) => repo.outboundOfTicket(ticketId),
  };
}
export type WhatsappChannel = ReturnType<typeof createWhatsappChannel>;
