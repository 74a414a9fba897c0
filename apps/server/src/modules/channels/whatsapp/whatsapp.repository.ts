import type { Insertable, Selectable, Updateable } from "kysely";
import { type Db, isPostgres } from "../../../db/database.js";
import type {
  WhatsappChatsTable,
  WhatsappInboundTable,
  WhatsappNumbersTable,
  WhatsappOutboundTable,
  WhatsappStatusesTable,
} from "../../../db/schema.js";

export type NumberRow = Selectable<WhatsappNumbersTable>;
export type ChatRow = Selectable<WhatsappChatsTable>;
export type InboundRow = Selectable<WhatsappInboundTable>;
export type StatusRow = Selectable<WhatsappStatusesTable>;
export type OutboundRow = Selectable<WhatsappOutboundTable>;

/** Rows per INSERT statement, well inside both databases' limits on bound parameters. */
const INSERT_CHUNK = 400;

/** SQL of the WhatsApp channel's own tables. */
export function createWhatsappRepository(db: Db) {
  return {
    numberBySite: (siteId: number, exec: Db = db) =>
      exec.selectFrom("whatsapp_numbers").selectAll().where("site_id", "=", siteId).executeTakeFirst(),
    numberById: (id: number, exec: Db = db) =>
      exec.selectFrom("whatsapp_numbers").selectAll().where("id", "=", id).executeTakeFirst(),
    numberByPhoneId: (phoneNumberId: string, exec: Db = db) =>
      exec
        .selectFrom("whatsapp_numbers")
        .selectAll()
        .where("phone_number_id", "=", phoneNumberId)
        .executeTakeFirst(),
    enabledNumbers: () => db.selectFrom("whatsapp_numbers").selectAll().where("enabled", "=", 1).execute(),
    insertNumber: (row: Insertable<WhatsappNumbersTable>) =>
      db.insertInto("whatsapp_numbers").values(row).returningAll().executeTakeFirstOrThrow(),
    updateNumber: (id: number, patch: Updateable<WhatsappNumbersTable>) =>
      db
        .updateTable("whatsapp_numbers")
        .set(patch)
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirstOrThrow(),

    chat: (numberId: number, waId: string, exec: Db = db) =>
      exec
        .selectFrom("whatsapp_chats")
        .selectAll()
        .where("number_id", "=", numberId)
        .where("wa_id", "=", waId)
        .executeTakeFirst(),
    /** The chat of a person with a number, created on their first message; keeps the latest inbound time. */
    async touchChat(
      exec: Db,
      row: { number_id: number; wa_id: string; contact_id: number; profile_name: string | null; at: number },
      now: number,
    ): Promise<ChatRow> {
      await exec
        .insertInto("whatsapp_chats")
        .values({
          number_id: row.number_id,
          wa_id: row.wa_id,
          contact_id: row.contact_id,
          profile_name: row.profile_name,
          conversation_id: null,
          last_inbound_at: row.at,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(["number_id", "wa_id"]).doNothing())
        .execute();
      const chat = (await this.chat(row.number_id, row.wa_id, exec)) as ChatRow;
      const patch: Updateable<WhatsappChatsTable> = {};
      if ((chat.last_inbound_at ?? 0) < row.at) patch.last_inbound_at = row.at;
      if (row.profile_name && chat.profile_name !== row.profile_name) patch.profile_name = row.profile_name;
      if (chat.contact_id !== row.contact_id) patch.contact_id = row.contact_id;
      if (!Object.keys(patch).length) return chat;
      return exec
        .updateTable("whatsapp_chats")
        .set({ ...patch, updated_at: now })
        .where("id", "=", chat.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    setConversation: async (chatId: number, conversationId: number, now: number, exec: Db = db) => {
      await exec
        .updateTable("whatsapp_chats")
        .set({ conversation_id: conversationId, updated_at: now })
        .where("id", "=", chatId)
        .execute();
    },

    /** Records inbound messages not seen before; answers the new ones' ids and senders. */
    async insertInbound(
      tx: Db,
      rows: Insertable<WhatsappInboundTable>[],
    ): Promise<Array<{ id: number; wa_id: string }>> {
      const out: Array<{ id: number; wa_id: string }> = [];
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const chunk = rows.slice(i, i + INSERT_CHUNK);
        out.push(
          ...(await tx
            .insertInto("whatsapp_inbound")
            .values(chunk)
            .onConflict((oc) => oc.column("wamid").doNothing())
            .returning(["id", "wa_id"])
            .execute()),
        );
      }
      return out;
    },
    inboundByIds: (ids: number[]) =>
      ids.length
        ? db.selectFrom("whatsapp_inbound").selectAll().where("id", "in", ids).orderBy("id").execute()
        : Promise.resolve([]),
    finishInbound: async (
      id: number,
      patch: { state: "done" | "ignored"; outcome: string; ticket_id: number | null; processed_at: number },
      exec: Db = db,
    ) => {
      await exec.updateTable("whatsapp_inbound").set(patch).where("id", "=", id).execute();
    },

    /** Records statuses not seen before (one per message and status); answers the ids of the new ones. */
    async insertStatuses(tx: Db, rows: Insertable<WhatsappStatusesTable>[]): Promise<number[]> {
      const ids: number[] = [];
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const chunk = rows.slice(i, i + INSERT_CHUNK);
        const inserted = await tx
          .insertInto("whatsapp_statuses")
          .values(chunk)
          .onConflict((oc) => oc.columns(["wamid", "status"]).doNothing())
          .returning("id")
          .execute();
        ids.push(...inserted.map((r) => r.id));
      }
      return ids;
    },
    statusesByIds: (ids: number[]) =>
      ids.length
        ? db.selectFrom("whatsapp_statuses").selectAll().where("id", "in", ids).orderBy("id").execute()
        : Promise.resolve([]),
    unappliedStatuses: (wamid: string, exec: Db = db) =>
      exec
        .selectFrom("whatsapp_statuses")
        .selectAll()
        .where("wamid", "=", wamid)
        .where("applied_at", "is", null)
        .orderBy("at")
        .orderBy("id")
        .execute(),
    /** Marks a status applied; false when another worker applied it first. */
    claimStatus: async (id: number, now: number, exec: Db): Promise<boolean> => {
      const r = await exec
        .updateTable("whatsapp_statuses")
        .set({ applied_at: now })
        .where("id", "=", id)
        .where("applied_at", "is", null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /** Stores an outbound message once per dedupe key; answers its id when it is new. */
    async insertOutbound(exec: Db, row: Insertable<WhatsappOutboundTable>): Promise<number | undefined> {
      const r = await exec
        .insertInto("whatsapp_outbound")
        .values(row)
        .onConflict((oc) => oc.column("dedupe_key").doNothing())
        .returning("id")
        .executeTakeFirst();
      return r?.id;
    },
    outbound: (id: number, exec: Db = db) =>
      exec.selectFrom("whatsapp_outbound").selectAll().where("id", "=", id).executeTakeFirst(),
    /** Our message, its row locked for the rest of the transaction on PostgreSQL (statuses race otherwise). */
    lockOutbound: (tx: Db, id: number) => {
      const q = tx.selectFrom("whatsapp_outbound").selectAll().where("id", "=", id);
      return (isPostgres(tx) ? q.forUpdate() : q).executeTakeFirst();
    },
    outboundByWamid: (wamid: string, exec: Db = db) =>
      exec.selectFrom("whatsapp_outbound").selectAll().where("wamid", "=", wamid).executeTakeFirst(),
    outboundOfTicket: (ticketId: number) =>
      db
        .selectFrom("whatsapp_outbound")
        .selectAll()
        .where("ticket_id", "=", ticketId)
        .orderBy("id")
        .execute(),
    updateOutbound: async (id: number, patch: Updateable<WhatsappOutboundTable>, exec: Db = db) => {
      await exec.updateTable("whatsapp_outbound").set(patch).where("id", "=", id).execute();
    },
  };
}
export type WhatsappRepository = ReturnType<typeof createWhatsappRepository>;
