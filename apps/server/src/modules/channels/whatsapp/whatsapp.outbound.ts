import type { Db } from "../../../db/database.js";
import type { Jobs } from "../../../jobs/jobs.js";
import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { TicketsService } from "../../tickets/tickets.service.js";
import {
  type GraphClient,
  GraphError,
  type OutgoingMessage,
  REENGAGEMENT_REQUIRED,
} from "./whatsapp.graph.js";
import type { OutboundRow, StatusRow, WhatsappRepository } from "./whatsapp.repository.js";
import type { OpenNumber, WhatsappSettingsService } from "./whatsapp.settings.js";

export const SEND_JOB = "whatsapp.send";
const SEND_RETRIES = 6;
/** Free-form messages may be sent this long after the person's last message; after it only templates. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;
/** WhatsApp's limits: a text body and a template parameter (which may hold no line breaks or tabs). */
const TEXT_MAX = 4096;
const PARAMETER_MAX = 1000;

// Delivery states in the order they happen; a late "delivered" never undoes a "read".
const RANK: Record<string, number> = { queued: 0, accepted: 1, sent: 2, delivered: 3, read: 4 };
const STATUS_TIME: Record<string, "sent_at" | "delivered_at" | "read_at" | "failed_at"> = {
  sent: "sent_at",
  delivered: "delivered_at",
  read: "read_at",
  failed: "failed_at",
};

export type OutboundRequest = {
  number: { id: number };
  waId: string;
  contactId: number | null;
  ticketId: number | null;
  ticketMessageId: number | null;
  purpose: "chatbot" | "reply" | "notice";
  body: string;
  dedupeKey: string;
};

/** A template parameter as WhatsApp accepts it: one line, no runs of spaces, bounded. */
export const templateParameter = (text: string): string => {
  const flat = text
    .replace(/[\r\n\t]+/g, " ")
    .replace(/ {4,}/g, "   ")
    .trim();
  return flat.length > PARAMETER_MAX ? `${flat.slice(0, PARAMETER_MAX - 1)}…` : flat;
};

/**
 * Our side of the conversation: every outbound message is stored first (once per dedupe key), then
 * sent by a job. A stored WhatsApp id means it was sent, so a retry never sends it twice; the 24-hour
 * rule is applied when it is sent, since the window may close while it waits.
 */
export function createWhatsappOutbound({
  clock,
  jobs,
  log,
  repo,
  settings,
  graph,
  tickets,
}: {
  clock: Clock;
  jobs: Jobs;
  log: Logger;
  repo: WhatsappRepository;
  settings: WhatsappSettingsService;
  graph: GraphClient;
  tickets: TicketsService;
}) {
  /** Locks the message's ticket first, as every transaction writing ticket events does (lock order). */
  const lockTicket = (tx: Db, row: OutboundRow) =>
    row.ticket_id ? tickets.lockRows(tx, [row.ticket_id]) : Promise.resolve();

  /** Records a delivery problem on the message's ticket, where staff see it. */
  async function ticketEvent(tx: Db, row: OutboundRow, type: string, after: Record<string, unknown>) {
    if (!row.ticket_id) return;
    await tickets.recordSystemChange(
      tx,
      row.ticket_id,
      {},
      [{ type, actorUserId: null, after: { messageId: row.ticket_message_id, ...after } }],
      clock.now(),
    );
  }

  async function fail(row: OutboundRow, code: number | null, title: string, exec: Db) {
    const now = clock.now();
    await exec.transaction().execute(async (tx) => {
      await lockTicket(tx, row);
      await repo.updateOutbound(
        row.id,
        {
          state: "failed",
          error_code: code,
          error_title: title.slice(0, 500),
          failed_at: now,
          updated_at: now,
        },
        tx,
      );
      await ticketEvent(tx, row, "whatsapp.delivery_failed", { code, title, wamid: row.wamid });
    });
    log.warn({ outbound: row.id, code, title }, "WhatsApp message not delivered");
  }

  /** Applies a status to our message (the caller's transaction); ignores one that goes backwards. */
  async function applyStatus(tx: Db, row: OutboundRow, s: StatusRow) {
    const now = clock.now();
    const column = STATUS_TIME[s.status];
    if (!column) return;
    const patch: Partial<OutboundRow> = { [column]: s.at, updated_at: now };
    if (s.status === "failed") {
      if (row.state === "read" || row.state === "failed") return;
      Object.assign(patch, { state: "failed", error_code: s.error_code, error_title: s.error_title });
    } else if (row.state !== "failed" && (RANK[s.status] ?? 0) > (RANK[row.state] ?? 0)) {
      patch.state = s.status;
    }
    await repo.updateOutbound(row.id, patch, tx);
    if (s.status === "failed")
      await ticketEvent(tx, row, "whatsapp.delivery_failed", {
        code: s.error_code,
        title: s.error_title,
        wamid: row.wamid,
      });
  }

  /** Applies the statuses already received for a message that has just got its WhatsApp id. */
  async function applyPending(db: Db, id: number) {
    const row = await repo.outbound(id, db);
    if (!row?.wamid) return;
    const pending = await repo.unappliedStatuses(row.wamid, db);
    if (!pending.length) return;
    await db.transaction().execute(async (tx) => {
      await lockTicket(tx, row);
      for (const s of pending) {
        const current = (await repo.lockOutbound(tx, id)) as OutboundRow;
        if (await repo.claimStatus(s.id, clock.now(), tx)) await applyStatus(tx, current, s);
      }
    });
  }

  function compose(row: OutboundRow, number: OpenNumber, inWindow: boolean): OutgoingMessage | string {
    if (inWindow) return { type: "text", body: row.body.slice(0, TEXT_MAX) };
    const template =
      row.purpose === "notice" ? (number.noticeTemplate ?? number.replyTemplate) : number.replyTemplate;
    if (!template)
      return "More than 24 hours since the person's last message, and no approved template is configured";
    return {
      type: "template",
      name: template.name,
      language: template.language,
      parameters: [templateParameter(row.body)],
    };
  }

  /** Sends one stored message unless it already was; throws to retry what may succeed later. */
  async function send(db: Db, id: number, lastAttempt: boolean): Promise<void> {
    const row = await repo.outbound(id, db);
    if (!row || row.wamid || row.state !== "queued") return;
    const number = await settings.number(row.number_id, db);
    if (!number?.enabled) return fail(row, null, "The site's WhatsApp number is not enabled", db);
    const chat = await repo.chat(row.number_id, row.wa_id, db);
    const inWindow = !!chat?.last_inbound_at && clock.now() - chat.last_inbound_at < WINDOW_MS;
    let message = compose(row, number, inWindow);
    for (;;) {
      if (typeof message === "string") return fail(row, null, message, db);
      await repo.updateOutbound(
        row.id,
        {
          kind: message.type,
          template_name: message.type === "template" ? message.name : null,
          template_language: message.type === "template" ? message.language : null,
          updated_at: clock.now(),
        },
        db,
      );
      try {
        const wamid = await graph.send(number.phoneNumberId, number.accessToken, row.wa_id, message);
        await repo.updateOutbound(row.id, { wamid, state: "accepted", updated_at: clock.now() }, db);
        await applyPending(db, row.id);
        return;
      } catch (e) {
        if (!(e instanceof GraphError)) throw e;
        // Our idea of the window and WhatsApp's can differ by a little; WhatsApp's wins.
        if (e.code === REENGAGEMENT_REQUIRED && message.type === "text") {
          message = compose(row, number, false);
          continue;
        }
        if (e.retryable && !lastAttempt) throw e;
        return fail(row, e.code, e.message, db);
      }
    }
  }

  return {
    /** Stores a message to send and queues its job, in the caller's transaction; once per dedupe key. */
    async queue(exec: Db, req: OutboundRequest): Promise<number | undefined> {
      const now = clock.now();
      const id = await repo.insertOutbound(exec, {
        number_id: req.number.id,
        wa_id: req.waId,
        contact_id: req.contactId,
        ticket_id: req.ticketId,
        ticket_message_id: req.ticketMessageId,
        purpose: req.purpose,
        body: req.body,
        kind: null,
        template_name: null,
        template_language: null,
        dedupe_key: req.dedupeKey,
        state: "queued",
        wamid: null,
        error_code: null,
        error_title: null,
        created_at: now,
        sent_at: null,
        delivered_at: null,
        read_at: null,
        failed_at: null,
        updated_at: now,
      });
      if (id !== undefined) await jobs.enqueue(exec, SEND_JOB, { id });
      return id;
    },

    /** The job that sends stored messages, retried with backoff; the last attempt records the failure. */
    register(db: Db) {
      jobs.register({
        name: SEND_JOB,
        retryLimit: SEND_RETRIES,
        retryDelaySeconds: 5,
        leaseSeconds: 120,
        handler: async (payload, meta) => send(db, Number(payload.id), meta.attempt > SEND_RETRIES),
      });
    },

    /** Applies received statuses to our messages; those of messages not yet known wait for their id. */
    async applyStatuses(db: Db, ids: number[]): Promise<void> {
      for (const s of await repo.statusesByIds(ids)) {
        await db.transaction().execute(async (tx) => {
          const found = await repo.outboundByWamid(s.wamid, tx);
          if (!found) return;
          await lockTicket(tx, found);
          const row = (await repo.lockOutbound(tx, found.id)) as OutboundRow;
          if (await repo.claimStatus(s.id, clock.now(), tx)) await applyStatus(tx, row, s);
        });
      }
    },
  };
}
export type WhatsappOutbound = ReturnType<typeof createWhatsappOutbound>;
