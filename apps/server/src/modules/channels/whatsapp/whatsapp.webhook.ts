import { isUtf8 } from "node:buffer";
import type { Insertable } from "kysely";
import sjson from "secure-json-parse";
import { type Db, isPostgres } from "../../../db/database.js";
import type { WhatsappInboundTable, WhatsappStatusesTable } from "../../../db/schema.js";
import type { Jobs } from "../../../jobs/jobs.js";
import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import { jsonTooDeep } from "../../../shared/text.js";
import { safeEqual } from "../../../shared/tokens.js";
import type { WhatsappRepository } from "./whatsapp.repository.js";
import { changeValue, inboundMessage, statusItem, webhookDelivery } from "./whatsapp.schemas.js";
import type { WhatsappSettingsService } from "./whatsapp.settings.js";
import { signedBy } from "./whatsapp.signature.js";

export const PROCESS_JOB = "whatsapp.process";
/** At most this many deliveries are written in one transaction. */
const MAX_BATCH = 500;
/** At most this many messages go to one processing job (one person's messages stay in one job, in order). */
const JOB_MESSAGES = 25;
/**
 * Group-commit lanes on PostgreSQL: a person's messages always go to the same lane, whose
 * transactions run one after another (so their order holds), while the lanes commit side by side.
 * SQLite writes on one connection, where more lanes would only queue.
 */
const PG_LANES = 3;

type Rows = { messages: Insertable<WhatsappInboundTable>[]; statuses: Insertable<WhatsappStatusesTable>[] };
type Waiting = Rows & { settle: (error?: unknown) => void };
type Lane = { waiting: Waiting[]; writing: boolean };

/** Splits new messages into jobs of about JOB_MESSAGES, keeping each person's messages together and in order. */
export function jobChunks(inserted: Array<{ id: number; wa_id: string }>): number[][] {
  const byPerson = new Map<string, number[]>();
  for (const m of [...inserted].sort((a, b) => a.id - b.id)) {
    const list = byPerson.get(m.wa_id) ?? [];
    list.push(m.id);
    byPerson.set(m.wa_id, list);
  }
  const chunks: number[][] = [];
  let current: number[] = [];
  for (const ids of byPerson.values()) {
    if (current.length && current.length + ids.length > JOB_MESSAGES) {
      chunks.push(current);
      current = [];
    }
    current.push(...ids);
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** Strings as the database can keep them: no NUL, no lone surrogates. */
function cleanStrings(value: unknown): unknown {
  if (typeof value === "string") return value.replaceAll("\u0000", "").toWellFormed();
  if (Array.isArray(value)) return value.map(cleanStrings);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanStrings(v)]));
  return value;
}

const seconds = (ts: string, fallback: number) => {
  const ms = Number(ts) * 1000;
  return Number.isSafeInteger(ms) && ms > 0 ? ms : fallback;
};

/**
 * The webhook's fast path: check the signature against the enabled numbers' app secrets, record new
 * messages and statuses (deduplicated by WhatsApp's ids) with one job to process them, all in one
 * transaction, and answer. Everything slow (chatbot, media, tickets, sending) happens in the job.
 */
export function createWhatsappWebhook({
  db,
  clock,
  jobs,
  log,
  repo,
  settings,
}: {
  db: Db;
  clock: Clock;
  jobs: Jobs;
  log: Logger;
  repo: WhatsappRepository;
  settings: WhatsappSettingsService;
}) {
  // Group commit: while one transaction is being written, the deliveries that arrive wait and are
  // written together in the next one, so the commit cost is shared under load and nothing waits
  // when it is quiet. Each delivery is answered only once all its rows are committed.
  const lanes: Lane[] = Array.from({ length: isPostgres(db) ? PG_LANES : 1 }, () => ({
    waiting: [],
    writing: false,
  }));

  /** The lane of a person (a message's sender, a status's recipient): the same one every time. */
  const laneOf = (person: string) => {
    let hash = 0;
    for (let i = 0; i < person.length; i++) hash = (hash * 31 + person.charCodeAt(i)) | 0;
    return Math.abs(hash) % lanes.length;
  };

  async function write(batch: Waiting[]) {
    await db.transaction().execute(async (tx) => {
      const inserted = await repo.insertInbound(
        tx,
        batch.flatMap((b) => b.messages),
      );
      const statusIds = await repo.insertStatuses(
        tx,
        batch.flatMap((b) => b.statuses),
      );
      const chunks = jobChunks(inserted);
      if (statusIds.length && !chunks.length) chunks.push([]);
      for (const [i, messages] of chunks.entries())
        await jobs.enqueue(tx, PROCESS_JOB, { messages, statuses: i === chunks.length - 1 ? statusIds : [] });
    });
  }

  async function drain(lane: Lane) {
    lane.writing = true;
    while (lane.waiting.length) {
      const batch = lane.waiting.splice(0, MAX_BATCH);
      try {
        await write(batch);
        for (const b of batch) b.settle();
      } catch (e) {
        for (const b of batch) b.settle(e);
      }
    }
    lane.writing = false;
  }

  const enqueue = (lane: Lane, rows: Rows) =>
    new Promise<void>((resolve, reject) => {
      lane.waiting.push({ ...rows, settle: (e) => (e === undefined ? resolve() : reject(e)) });
      if (!lane.writing) void drain(lane);
    });

  /**
   * Records a delivery's rows, each in its person's lane. A delivery spanning lanes is acknowledged
   * once every part is committed; if one part fails, the delivery fails and WhatsApp sends it again,
   * when the parts already committed are skipped by their ids.
   */
  async function record(rows: Rows) {
    if (lanes.length === 1) return enqueue(lanes[0] as Lane, rows);
    const parts = new Map<number, Rows>();
    const part = (person: string) => {
      const i = laneOf(person);
      const p = parts.get(i) ?? { messages: [], statuses: [] };
      parts.set(i, p);
      return p;
    };
    for (const m of rows.messages) part(m.wa_id).messages.push(m);
    for (const s of rows.statuses) part(s.recipient_id ?? s.wamid).statuses.push(s);
    await Promise.all([...parts].map(([i, p]) => enqueue(lanes[i] as Lane, p)));
  }

  return {
    /** The subscription handshake: answers the challenge when the verify token is one of ours, else null. */
    async verify(query: {
      "hub.mode"?: string;
      "hub.verify_token"?: string;
      "hub.challenge"?: string;
    }): Promise<string | null> {
      const token = query["hub.verify_token"];
      if (query["hub.mode"] !== "subscribe" || !token || query["hub.challenge"] === undefined) return null;
      let match = false;
      // every number is compared, so the time taken does not tell which token came close
      for (const n of await settings.enabledNumbers()) if (safeEqual(token, n.verifyToken)) match = true;
      return match ? query["hub.challenge"] : null;
    },

    /** Takes one delivery; false when no enabled number's app secret signed it (nothing is stored then). */
    async receive(raw: Buffer, signature: string | undefined): Promise<boolean> {
      const numbers = await settings.enabledNumbers();
      const signers = signedBy(signature, raw, numbers);
      if (!signers.length) return false;
      // Only numbers whose app secret signed this body may receive messages through it.
      const secrets = new Set(signers.map((n) => n.appSecret));
      const byPhoneId = new Map(
        numbers.filter((n) => secrets.has(n.appSecret)).map((n) => [n.phoneNumberId, n]),
      );
      let body: unknown;
      try {
        if (!isUtf8(raw)) throw new Error("not UTF-8");
        const text = raw.toString("utf8");
        // cleanStrings below recurses over the value; Meta's deliveries nest a handful of levels.
        if (jsonTooDeep(text)) throw new Error("nested too deep");
        body = sjson.parse(text, undefined, {
          protoAction: "remove",
          constructorAction: "remove",
        });
      } catch (e) {
        log.warn({ err: e, bytes: raw.length }, "WhatsApp webhook: signed delivery is not JSON; ignored");
        return true;
      }
      const delivery = webhookDelivery.safeParse(cleanStrings(body));
      if (!delivery.success || delivery.data.object !== "whatsapp_business_account") {
        log.warn({ bytes: raw.length }, "WhatsApp webhook: signed delivery of an unexpected shape; ignored");
        return true;
      }
      const now = clock.now();
      const messages: Insertable<WhatsappInboundTable>[] = [];
      const statuses: Insertable<WhatsappStatusesTable>[] = [];
      for (const entry of delivery.data.entry) {
        for (const change of entry.changes) {
          if (change.field !== "messages") continue;
          const value = changeValue.safeParse(change.value);
          if (!value.success) {
            log.warn({ entry: entry.id }, "WhatsApp webhook: change without metadata; ignored");
            continue;
          }
          const number = byPhoneId.get(value.data.metadata.phone_number_id);
          if (!number) {
            log.warn(
              { phoneNumberId: value.data.metadata.phone_number_id },
              "WhatsApp webhook: message for a number not configured with this app secret; ignored",
            );
            continue;
          }
          const names = new Map((value.data.contacts ?? []).map((c) => [c.wa_id, c.profile?.name ?? null]));
          for (const item of value.data.messages ?? []) {
            const m = inboundMessage.safeParse(item);
            if (!m.success) {
              log.warn({ number: number.phoneNumberId }, "WhatsApp webhook: unreadable message; ignored");
              continue;
            }
            messages.push({
              number_id: number.id,
              wamid: m.data.id,
              wa_id: m.data.from,
              profile_name: names.get(m.data.from)?.slice(0, 200) ?? null,
              type: m.data.type,
              message: JSON.stringify(m.data),
              sent_at: Math.min(seconds(m.data.timestamp, now), now),
              received_at: now,
              state: "queued",
              outcome: null,
              ticket_id: null,
              processed_at: null,
            });
          }
          for (const item of value.data.statuses ?? []) {
            const s = statusItem.safeParse(item);
            if (!s.success) continue;
            const error = s.data.errors?.[0];
            statuses.push({
              wamid: s.data.id,
              status: s.data.status,
              at: seconds(s.data.timestamp, now),
              recipient_id: s.data.recipient_id ?? null,
              error_code: error?.code ?? null,
              error_title: error?.title?.slice(0, 500) ?? null,
              received_at: now,
              applied_at: null,
            });
          }
        }
      }
      if (messages.length || statuses.length) await record({ messages, statuses });
      return true;
    },
  };
}
export type WhatsappWebhook = ReturnType<typeof createWhatsappWebhook>;
