import type { Config } from "../../../config/config.js";
import type { Db } from "../../../db/database.js";
import type { Jobs } from "../../../jobs/jobs.js";
import type { Actor } from "../../../shared/actor.js";
import type { Clock } from "../../../shared/clock.js";
import { toIso } from "../../../shared/clock.js";
import { AppError } from "../../../shared/errors.js";
import type { Logger } from "../../../shared/logger.js";
import type { SecretBox } from "../../../shared/secrets.js";
import type { AttachmentStore } from "../../attachments/attachments.store.js";
import type { ContactsService } from "../../contacts/contacts.service.js";
import type { ChannelRegistry } from "../../notifications/notifications.channels.js";
import type { SitesService } from "../../sites/sites.service.js";
import { ticketPolicy } from "../../tickets/tickets.policy.js";
import { subjectOf, type TicketsService } from "../../tickets/tickets.service.js";
import type { UsersService } from "../../users/users.service.js";
import { createImapReaders, readOnce } from "./email.imap.js";
import { createEmailInbound } from "./email.inbound.js";
import { createEmailOutbound, SEND_JOB } from "./email.outbound.js";
import { createRawStore } from "./email.rawstore.js";
import { createEmailRepository } from "./email.repository.js";
import { createEmailSettings } from "./email.settings.js";
import { startSmtpListener } from "./email.smtp-listener.js";

type Deps = {
  db: Db;
  clock: Clock;
  jobs: Jobs;
  log: Logger;
  config: Config;
  secrets: SecretBox;
  attachments: AttachmentStore;
  tickets: TicketsService;
  contacts: ContactsService;
  users: UsersService;
  sites: SitesService;
  outbound: ChannelRegistry;
};

/**
 * The email channel, wired once: mail in (IMAP readers, SMTP listener), mail out (staff replies,
 * acknowledgements, notices) and its settings. Registers its send job, its ticket observer and its
 * notification sender when created; readers and the listener start with `start()` in worker processes.
 */
export function createEmailChannel(deps: Deps) {
  const { db, clock, jobs, log, config, secrets, tickets } = deps;
  const repo = createEmailRepository(db);
  const raw = createRawStore(config.dataDir);
  const outbound = createEmailOutbound({ ...deps, repo, email: config.email });
  const inbound = createEmailInbound({
    ...deps,
    repo,
    raw,
    outbound,
    maxBytes: config.attachmentMaxBytes,
  });
  const settings = createEmailSettings({ repo, sites: deps.sites, secrets, clock, email: config.email });

  jobs.register({
    name: SEND_JOB,
    handler: async (payload) => outbound.send(Number(payload.id)),
    retryLimit: 8,
    retryDelaySeconds: 30,
    leaseSeconds: 300,
  });
  tickets.onWrite(outbound.onTicketWrite);
  deps.outbound.register("email", (delivery) => outbound.sendNotice(delivery));

  return {
    repo,
    raw,
    inbound,
    outbound,
    settings,

    /** Reads a mailbox now (hub admins' connection test); answers how many new messages were taken. */
    async checkNow(actor: Actor, code: string, id: number): Promise<{ taken: number }> {
      const mailbox = await settings.writable(actor, code, id);
      if (!mailbox.imap_host) return { taken: 0 };
      try {
        return { taken: await readOnce(mailbox, { repo, inbound, secrets }) };
      } catch (e) {
        // The IMAP server's answer (refused login, unknown host) is what the admin needs to see.
        const reason =
          (e as { responseText?: string; message?: string }).responseText ?? (e as Error).message;
        throw new AppError(502, "email.imap_failed", `Reading the mailbox failed: ${reason}`);
      }
    },

    /** The mails of a ticket, in and out, for staff who may read its internal side. */
    async ofTicket(actor: Actor, key: string) {
      const t = await tickets.visibleRow(actor, key);
      if (!ticketPolicy.readInternal(actor, subjectOf(t))) return [];
      const rows = await repo.messagesOfTicket(t.id);
      return rows.map((r) => ({
        id: r.id,
        direction: r.direction as "in" | "out",
        kind: r.kind,
        messageId: r.message_id,
        from: r.from_address,
        fromName: r.from_name,
        to: r.to_address,
        subject: r.subject,
        status: r.status,
        statusDetail: r.status_detail,
        ticketMessageId: r.ticket_message_id,
        hasOriginal: !!r.raw_sha256,
        createdAt: toIso(r.created_at),
        sentAt: r.sent_at ? toIso(r.sent_at) : null,
      }));
    },

    /** The original of an inbound mail of a ticket, as received. */
    async original(actor: Actor, key: string, id: number): Promise<Buffer | null> {
      const t = await tickets.visibleRow(actor, key);
      if (!ticketPolicy.readInternal(actor, subjectOf(t))) return null;
      const row = await repo.message(id);
      if (!row || row.ticket_id !== t.id || !row.raw_sha256) return null;
      return raw.get(row.raw_sha256);
    },

    /** Starts the IMAP readers and, when configured, the SMTP listener; answers how to stop them. */
    async start(options: { pollSeconds?: number } = {}) {
      const readers = createImapReaders({
        repo,
        inbound,
        secrets,
        clock,
        log,
        pollSeconds: options.pollSeconds ?? config.email.pollSeconds,
      });
      await readers.start();
      const listener = config.email.listen
        ? await startSmtpListener({
            ...config.email.listen,
            repo,
            inbound,
            maxBytes: config.attachmentMaxBytes,
            log,
          })
        : null;
      return {
        listenerPort: listener?.port ?? null,
        async stop() {
          await listener?.close();
          await readers.stop();
        },
      };
    },
  };
}
export type EmailChannel = ReturnType<typeof createEmailChannel>;
