import type { DialectMigration } from "./helpers.js";
import { notNull, timeType, withId } from "./helpers.js";

/**
 * The email channel: mailboxes per site (IMAP in, SMTP out, secrets sealed), every message taken in
 * or sent out (the exactly-once keys and the threading index), and bounces recorded per address.
 */
export const emailChannel: DialectMigration = {
  async up(db, dialect) {
    const time = timeType(dialect);
    // UIDVALIDITY and UIDs are unsigned 32-bit numbers: past PostgreSQL's integer.
    const u32 = dialect === "postgres" ? "bigint" : "integer";

    await withId(db.schema.createTable("email_mailboxes"), dialect)
      .addColumn("site_id", "integer", (c) => c.notNull().references("sites.id").onDelete("cascade"))
      .addColumn("address", "text", (c) => c.notNull().unique())
      .addColumn("display_name", "text")
      .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("auto_acknowledge", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("imap_host", "text")
      .addColumn("imap_port", "integer")
      .addColumn("imap_tls", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("imap_user", "text")
      .addColumn("imap_password", "text")
      .addColumn("imap_folder", "text", (c) => c.notNull().defaultTo("INBOX"))
      .addColumn("smtp_host", "text")
      .addColumn("smtp_port", "integer")
      .addColumn("smtp_security", "text", (c) => c.notNull().defaultTo("starttls"))
      .addColumn("smtp_user", "text")
      .addColumn("smtp_password", "text")
      .addColumn("uid_validity", u32)
      .addColumn("last_uid", u32, (c) => c.notNull().defaultTo(0))
      .addColumn("reader_id", "text")
      .addColumn("reader_until", time)
      .addColumn("last_checked_at", time)
      .addColumn("last_error", "text")
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .execute();
    await db.schema.createIndex("email_mailboxes_site_idx").on("email_mailboxes").column("site_id").execute();

    await withId(db.schema.createTable("email_messages"), dialect)
      .addColumn("direction", "text", notNull)
      .addColumn("kind", "text", notNull)
      .addColumn("mailbox_id", "integer", (c) => c.references("email_mailboxes.id").onDelete("set null"))
      .addColumn("message_id", "text", notNull)
      .addColumn("uid_validity", u32)
      .addColumn("uid", u32)
      .addColumn("dedupe_key", "text", (c) => c.unique())
      .addColumn("ticket_id", "integer", (c) => c.references("tickets.id").onDelete("cascade"))
      .addColumn("ticket_message_id", "integer", (c) => c.references("ticket_messages.id"))
      .addColumn("contact_id", "integer", (c) => c.references("contacts.id"))
      .addColumn("from_address", "text")
      .addColumn("to_address", "text")
      .addColumn("subject", "text")
      .addColumn("in_reply_to", "text")
      .addColumn("reference_ids", "text")
      .addColumn("raw_sha256", "text")
      .addColumn("payload", "text")
      .addColumn("status", "text", notNull)
      .addColumn("status_detail", "text")
      .addColumn("created_at", time, notNull)
      .addColumn("sent_at", time)
      .execute();
    // The exactly-once keys: a message is one row per mailbox, whether found by IMAP UID or by Message-ID.
    await db.schema
      .createIndex("email_messages_message_uq")
      .on("email_messages")
      .columns(["mailbox_id", "direction", "message_id"])
      .unique()
      .execute();
    await db.schema
      .createIndex("email_messages_uid_uq")
      .on("email_messages")
      .columns(["mailbox_id", "uid_validity", "uid"])
      .unique()
      .execute();
    await db.schema
      .createIndex("email_messages_thread_idx")
      .on("email_messages")
      .column("message_id")
      .execute();
    await db.schema
      .createIndex("email_messages_ticket_idx")
      .on("email_messages")
      .columns(["ticket_id", "id"])
      .execute();
    // Rate limits count what was sent to an address lately.
    await db.schema
      .createIndex("email_messages_to_idx")
      .on("email_messages")
      .columns(["to_address", "kind", "created_at"])
      .execute();

    await withId(db.schema.createTable("email_bounces"), dialect)
      .addColumn("address", "text", notNull)
      .addColumn("site_id", "integer", (c) => c.references("sites.id").onDelete("cascade"))
      .addColumn("contact_id", "integer", (c) => c.references("contacts.id").onDelete("cascade"))
      .addColumn("email_message_id", "integer", (c) => c.references("email_messages.id").onDelete("set null"))
      .addColumn("permanent", "integer", notNull)
      .addColumn("status", "text")
      .addColumn("diagnostic", "text")
      .addColumn("created_at", time, notNull)
      .execute();
    await db.schema
      .createIndex("email_bounces_address_idx")
      .on("email_bounces")
      .columns(["address", "created_at"])
      .execute();
  },
};
