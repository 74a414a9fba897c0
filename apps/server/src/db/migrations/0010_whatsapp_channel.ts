import type { DialectMigration } from "./helpers.js";
import { notNull, timeType, withId } from "./helpers.js";

/**
 * The WhatsApp channel: each site's business number and its sealed secrets, the people who write to
 * it (with their last message, for the 24-hour window), inbound messages and delivery statuses as
 * received (the durable queue behind the webhook, deduplicated by WhatsApp's ids), and our outbound
 * messages with their delivery state.
 */
export const whatsappChannel: DialectMigration = {
  async up(db, dialect) {
    const time = timeType(dialect);

    await withId(db.schema.createTable("whatsapp_numbers"), dialect)
      .addColumn("site_id", "integer", (c) => c.notNull().unique().references("sites.id"))
      .addColumn("phone_number_id", "text", (c) => c.notNull().unique())
      .addColumn("display_phone_number", "text")
      .addColumn("business_account_id", "text")
      // sealed with the hub's secret box (shared/secrets.ts); never returned by the API
      .addColumn("access_token", "text", notNull)
      .addColumn("app_secret", "text", notNull)
      .addColumn("verify_token", "text", notNull)
      .addColumn("language", "text", notNull)
      .addColumn("reply_template_name", "text")
      .addColumn("reply_template_language", "text")
      .addColumn("notice_template_name", "text")
      .addColumn("notice_template_language", "text")
      .addColumn("enabled", "integer", notNull)
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .execute();

    await withId(db.schema.createTable("whatsapp_chats"), dialect)
      .addColumn("number_id", "integer", (c) => c.notNull().references("whatsapp_numbers.id"))
      .addColumn("wa_id", "text", notNull)
      .addColumn("contact_id", "integer", (c) => c.notNull().references("contacts.id"))
      .addColumn("profile_name", "text")
      // the chatbot conversation in progress, if any
      .addColumn("conversation_id", "integer")
      // when the person last wrote: free text may be sent for 24 hours after it
      .addColumn("last_inbound_at", time)
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .addUniqueConstraint("whatsapp_chats_number_wa_unique", ["number_id", "wa_id"])
      .execute();
    await db.schema
      .createIndex("whatsapp_chats_contact_idx")
      .on("whatsapp_chats")
      .column("contact_id")
      .execute();

    await withId(db.schema.createTable("whatsapp_inbound"), dialect)
      .addColumn("number_id", "integer", (c) => c.notNull().references("whatsapp_numbers.id"))
      // WhatsApp's message id (wamid…): a redelivered webhook is recognised by it
      .addColumn("wamid", "text", (c) => c.notNull().unique())
      .addColumn("wa_id", "text", notNull)
      .addColumn("profile_name", "text")
      .addColumn("type", "text", notNull)
      // the message object as WhatsApp sent it (JSON)
      .addColumn("message", "text", notNull)
      .addColumn("sent_at", time, notNull)
      .addColumn("received_at", time, notNull)
      // queued, done or ignored
      .addColumn("state", "text", notNull)
      .addColumn("outcome", "text")
      .addColumn("ticket_id", "integer")
      .addColumn("processed_at", time)
      .execute();
    await db.schema
      .createIndex("whatsapp_inbound_chat_idx")
      .on("whatsapp_inbound")
      .columns(["number_id", "wa_id", "id"])
      .execute();

    await withId(db.schema.createTable("whatsapp_statuses"), dialect)
      .addColumn("wamid", "text", notNull)
      // sent, delivered, read or failed
      .addColumn("status", "text", notNull)
      .addColumn("at", time, notNull)
      .addColumn("recipient_id", "text")
      .addColumn("error_code", "integer")
      .addColumn("error_title", "text")
      .addColumn("received_at", time, notNull)
      .addColumn("applied_at", time)
      .addUniqueConstraint("whatsapp_statuses_wamid_status_unique", ["wamid", "status"])
      .execute();

    await withId(db.schema.createTable("whatsapp_outbound"), dialect)
      .addColumn("number_id", "integer", (c) => c.notNull().references("whatsapp_numbers.id"))
      .addColumn("wa_id", "text", notNull)
      .addColumn("contact_id", "integer")
      .addColumn("ticket_id", "integer")
      .addColumn("ticket_message_id", "integer")
      // chatbot, reply (a staff reply on a ticket) or notice
      .addColumn("purpose", "text", notNull)
      .addColumn("body", "text", notNull)
      // text or template, chosen when sent (the 24-hour window may have closed meanwhile)
      .addColumn("kind", "text")
      .addColumn("template_name", "text")
      .addColumn("template_language", "text")
      .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
      // queued, sent, delivered, read or failed
      .addColumn("state", "text", notNull)
      .addColumn("wamid", "text", (c) => c.unique())
      .addColumn("error_code", "integer")
      .addColumn("error_title", "text")
      .addColumn("created_at", time, notNull)
      .addColumn("sent_at", time)
      .addColumn("delivered_at", time)
      .addColumn("read_at", time)
      .addColumn("failed_at", time)
      .addColumn("updated_at", time, notNull)
      .execute();
    await db.schema
      .createIndex("whatsapp_outbound_ticket_idx")
      .on("whatsapp_outbound")
      .columns(["ticket_id", "id"])
      .execute();
  },
};
