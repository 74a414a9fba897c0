import type { Insertable, Selectable } from "kysely";
import type { Db } from "../../db/database.js";
import type { NotificationDeliveriesTable, NotificationPreferencesTable } from "../../db/schema.js";

export type DeliveryRow = Selectable<NotificationDeliveriesTable>;
export type PreferenceRow = Selectable<NotificationPreferencesTable>;

/** SQL of the notifications module: in-app notices, deliveries, preferences, watchers, requester languages. */
export function createNotificationsRepository(db: Db) {
  return {
    /** Records an in-app notice once per dedupe key. */
    async insertInApp(
      exec: Db,
      row: {
        user_id: number;
        kind: string;
        ticket_id: number | null;
        title: string;
        body: string | null;
        dedupe_key: string;
        created_at: number;
      },
    ): Promise<void> {
      await exec
        .insertInto("notifications")
        .values({ ...row, read_at: null })
        .onConflict((oc) => oc.column("dedupe_key").doNothing())
        .execute();
    },

    /** Records a delivery; returns its id, or undefined when the same delivery was recorded before. */
    async insertDelivery(
      exec: Db,
      row: Insertable<NotificationDeliveriesTable>,
    ): Promise<number | undefined> {
      const r = await exec
        .insertInto("notification_deliveries")
        .values(row)
        .onConflict((oc) => oc.column("dedupe_key").doNothing())
        .returning("id")
        .executeTakeFirst();
      return r?.id;
    },

    delivery: (id: number, exec: Db = db) =>
      exec.selectFrom("notification_deliveries").selectAll().where("id", "=", id).executeTakeFirst(),

    async setDelivery(exec: Db, id: number, set: Partial<DeliveryRow>): Promise<void> {
      await exec.updateTable("notification_deliveries").set(set).where("id", "=", id).execute();
    },

    async setBatch(exec: Db, batchKey: string, set: Partial<DeliveryRow>): Promise<void> {
      await exec.updateTable("notification_deliveries").set(set).where("batch_key", "=", batchKey).execute();
    },

    deliveriesOfTicket: (ticketId: number, limit: number) =>
      db
        .selectFrom("notification_deliveries")
        .selectAll()
        .where("ticket_id", "=", ticketId)
        .orderBy("id", "desc")
        .limit(limit)
        .execute(),

    /** The recipients and channels with digest items due by `now`. */
    dueDigests: (now: number) =>
      db
        .selectFrom("notification_deliveries")
        .select(["user_id", "channel"])
        .distinct()
        .where("status", "=", "digest")
        .where("send_after", "<=", now)
        .where("user_id", "is not", null)
        .execute(),

    /** Takes a recipient's due digest items for one digest; returns how many it took. */
    async claimDigest(
      tx: Db,
      userId: number,
      channel: string,
      batchKey: string,
      now: number,
    ): Promise<number> {
      const r = await tx
        .updateTable("notification_deliveries")
        .set({ status: "sending", batch_key: batchKey, updated_at: now })
        .where("status", "=", "digest")
        .where("user_id", "=", userId)
        .where("channel", "=", channel)
        .where("send_after", "<=", now)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    batch: (batchKey: string) =>
      db
        .selectFrom("notification_deliveries")
        .selectAll()
        .where("batch_key", "=", batchKey)
        .orderBy("id")
        .execute(),

    preferences: (userId: number, exec: Db = db) =>
      exec.selectFrom("notification_preferences").selectAll().where("user_id", "=", userId).execute(),

    /** Replaces a user's preference rows in one statement set (the caller's transaction). */
    async replacePreferences(tx: Db, userId: number, rows: PreferenceRow[]): Promise<void> {
      await tx.deleteFrom("notification_preferences").where("user_id", "=", userId).execute();
      if (rows.length) await tx.insertInto("notification_preferences").values(rows).execute();
    },

    watcherIds: async (ticketId: number, exec: Db = db): Promise<number[]> =>
      (
        await exec
          .selectFrom("ticket_watchers")
          .select("user_id")
          .where("ticket_id", "=", ticketId)
          .orderBy("created_at")
          .execute()
      ).map((r) => r.user_id),

    async watch(ticketId: number, userId: number, now: number): Promise<void> {
      await db
        .insertInto("ticket_watchers")
        .values({ ticket_id: ticketId, user_id: userId, created_at: now })
        .onConflict((oc) => oc.columns(["ticket_id", "user_id"]).doNothing())
        .execute();
    },

    async unwatch(ticketId: number, userId: number): Promise<void> {
      await db
        .deleteFrom("ticket_watchers")
        .where("ticket_id", "=", ticketId)
        .where("user_id", "=", userId)
        .execute();
    },

    requesterLanguage: async (contactId: number, exec: Db = db): Promise<string | undefined> =>
      (
        await exec
          .selectFrom("requester_languages")
          .select("language")
          .where("contact_id", "=", contactId)
          .executeTakeFirst()
      )?.language,

    async setRequesterLanguage(exec: Db, contactId: number, language: string, now: number): Promise<void> {
      await exec
        .insertInto("requester_languages")
        .values({ contact_id: contactId, language, updated_at: now })
        .onConflict((oc) => oc.column("contact_id").doUpdateSet({ language, updated_at: now }))
        .execute();
    },
  };
}
export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>;
