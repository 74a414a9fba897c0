import type { DialectMigration } from "./helpers.js";
import { notNull, timeType, withId } from "./helpers.js";

/**
 * The web request form (what each portal submission became, and the language its requester writes
 * in), logged phone calls, and notifications people can rely on: per-user preferences, ticket
 * watchers, and every delivery of every notice with its state, attempts and last error.
 */
export const webFormCallsAndNotificationPreferences: DialectMigration = {
  async up(db, dialect) {
    const time = timeType(dialect);

    await db.schema
      .createTable("portal_requests")
      .addColumn("ticket_id", "integer", (c) => c.primaryKey().references("tickets.id"))
      .addColumn("contact_id", "integer", (c) => c.notNull().references("contacts.id"))
      // 1 when sent without signing in (followed through the signed link)
      .addColumn("anonymous", "integer", notNull)
      .addColumn("language", "text", notNull)
      .addColumn("ip", "text")
      .addColumn("created_at", time, notNull)
      .execute();

    // The language a requester last wrote to us in; channels set it, requester notices use it.
    await db.schema
      .createTable("requester_languages")
      .addColumn("contact_id", "integer", (c) => c.primaryKey().references("contacts.id"))
      .addColumn("language", "text", notNull)
      .addColumn("updated_at", time, notNull)
      .execute();

    await withId(db.schema.createTable("phone_calls"), dialect)
      .addColumn("site_id", "integer", (c) => c.notNull().references("sites.id"))
      .addColumn("ticket_id", "integer", (c) => c.notNull().references("tickets.id"))
      .addColumn("contact_id", "integer", (c) => c.notNull().references("contacts.id"))
      .addColumn("caller_name", "text")
      .addColumn("number", "text", notNull)
      // inbound or outbound
      .addColumn("direction", "text", notNull)
      .addColumn("started_at", time, notNull)
      .addColumn("duration_seconds", "integer", notNull)
      .addColumn("summary", "text", notNull)
      // 1 when the call opened the ticket, 0 when it was added to an existing one
      .addColumn("opened_ticket", "integer", notNull)
      .addColumn("logged_by", "integer", (c) => c.notNull().references("users.id"))
      .addColumn("created_at", time, notNull)
      .execute();
    await db.schema
      .createIndex("phone_calls_site_idx")
      .on("phone_calls")
      .columns(["site_id", "started_at", "id"])
      .execute();

    await db.schema
      .createTable("notification_preferences")
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      // "all" for the user's defaults, else a kind group that overrides them
      .addColumn("kind_group", "text", notNull)
      .addColumn("in_app", "integer", notNull)
      .addColumn("email", "integer", notNull)
      .addColumn("whatsapp", "integer", notNull)
      // immediate or digest
      .addColumn("mode", "text", notNull)
      // only on the "all" row: the hour (0-23) of the daily digest in the time zone
      .addColumn("digest_hour", "integer")
      .addColumn("time_zone", "text")
      .addColumn("updated_at", time, notNull)
      .addPrimaryKeyConstraint("notification_preferences_pk", ["user_id", "kind_group"])
      .execute();

    await db.schema
      .createTable("ticket_watchers")
      .addColumn("ticket_id", "integer", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("created_at", time, notNull)
      .addPrimaryKeyConstraint("ticket_watchers_pk", ["ticket_id", "user_id"])
      .execute();
    await db.schema.createIndex("ticket_watchers_user_idx").on("ticket_watchers").column("user_id").execute();

    await withId(db.schema.createTable("notification_deliveries"), dialect)
      // occurrence + recipient + channel: a retried fan-out records each delivery once
      .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
      .addColumn("user_id", "integer", (c) => c.references("users.id"))
      .addColumn("contact_id", "integer", (c) => c.references("contacts.id"))
      // in_app, email or whatsapp
      .addColumn("channel", "text", notNull)
      .addColumn("kind", "text", notNull)
      .addColumn("ticket_id", "integer", (c) => c.references("tickets.id"))
      .addColumn("title", "text", notNull)
      .addColumn("body", "text")
      .addColumn("language", "text", notNull)
      // queued, sent, failed, skipped, digest (held for the daily digest), sending (taken by a digest)
      .addColumn("status", "text", notNull)
      .addColumn("attempts", "integer", notNull)
      .addColumn("last_error", "text")
      // digest items: when the digest they wait for is due
      .addColumn("send_after", time)
      // digest items: the digest that took them
      .addColumn("batch_key", "text")
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .addColumn("sent_at", time)
      .execute();
    await db.schema
      .createIndex("notification_deliveries_ticket_idx")
      .on("notification_deliveries")
      .columns(["ticket_id", "id"])
      .execute();
    await db.schema
      .createIndex("notification_deliveries_status_idx")
      .on("notification_deliveries")
      .columns(["status", "send_after"])
      .execute();
    await db.schema
      .createIndex("notification_deliveries_batch_idx")
      .on("notification_deliveries")
      .column("batch_key")
      .execute();
  },
};
