import type { DialectMigration } from "./helpers.js";
import { notNull, timeType, withId } from "./helpers.js";

/** Contacts, tickets with per-site keys, their thread, attachments, audit events and tier history. */
export const contactsAndTickets: DialectMigration = {
  async up(db, dialect) {
    const time = timeType(dialect);
    await withId(db.schema.createTable("contacts"), dialect)
      .addColumn("site_id", "integer", (c) => c.notNull().references("sites.id"))
      .addColumn("name", "text")
      .addColumn("email", "text")
      .addColumn("phone", "text")
      .addColumn("whatsapp_id", "text")
      .addColumn("user_id", "integer", (c) => c.references("users.id"))
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .execute();
    for (const col of ["email", "phone", "whatsapp_id"] as const) {
      await db.schema
        .createIndex(`contacts_site_${col}_uq`)
        .on("contacts")
        .columns(["site_id", col])
        .unique()
        .where(col, "is not", null)
        .execute();
    }
    await db.schema.createIndex("contacts_user_idx").on("contacts").column("user_id").execute();

    await db.schema
      .createTable("site_counters")
      .addColumn("site_id", "integer", (c) => c.primaryKey().references("sites.id"))
      .addColumn("last_number", "integer", notNull)
      .execute();

    await withId(db.schema.createTable("tickets"), dialect)
      .addColumn("site_id", "integer", (c) => c.notNull().references("sites.id"))
      .addColumn("number", "integer", notNull)
      .addColumn("key", "text", (c) => c.notNull().unique())
      .addColumn("subject", "text", notNull)
      .addColumn("status", "text", notNull)
      .addColumn("priority", "text", notNull)
      .addColumn("priority_rank", "integer", notNull)
      .addColumn("category", "text", notNull)
      .addColumn("tier", "integer", notNull)
      .addColumn("channel", "text", notNull)
      .addColumn("contact_id", "integer", (c) => c.notNull().references("contacts.id"))
      .addColumn("assignee_id", "integer", (c) => c.references("users.id"))
      .addColumn("vendor_team_id", "integer", (c) => c.references("vendor_teams.id"))
      .addColumn("product", "text")
      .addColumn("module", "text")
      .addColumn("product_version", "text")
      .addColumn("tags", "text", notNull)
      .addColumn("created_by", "integer", (c) => c.references("users.id"))
      .addColumn("create_request_key", "text")
      .addColumn("version", "integer", notNull)
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .addColumn("first_response_at", time)
      .addColumn("resolved_at", time)
      .addColumn("closed_at", time)
      .addUniqueConstraint("tickets_site_number_uq", ["site_id", "number"])
      .execute();
    await db.schema
      .createIndex("tickets_site_created_idx")
      .on("tickets")
      .columns(["site_id", "created_at", "id"])
      .execute();
    await db.schema
      .createIndex("tickets_site_updated_idx")
      .on("tickets")
      .columns(["site_id", "updated_at", "id"])
      .execute();
    await db.schema
      .createIndex("tickets_site_status_tier_idx")
      .on("tickets")
      .columns(["site_id", "status", "tier"])
      .execute();
    await db.schema.createIndex("tickets_contact_idx").on("tickets").column("contact_id").execute();
    await db.schema
      .createIndex("tickets_assignee_idx")
      .on("tickets")
      .columns(["assignee_id", "status"])
      .execute();
    await db.schema
      .createIndex("tickets_vendor_idx")
      .on("tickets")
      .columns(["vendor_team_id", "tier"])
      .execute();
    await db.schema
      .createIndex("tickets_create_request_uq")
      .on("tickets")
      .columns(["created_by", "create_request_key"])
      .unique()
      .where("create_request_key", "is not", null)
      .execute();

    await withId(db.schema.createTable("ticket_messages"), dialect)
      .addColumn("ticket_id", "integer", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
      .addColumn("kind", "text", notNull)
      .addColumn("author_user_id", "integer", (c) => c.references("users.id"))
      .addColumn("author_contact_id", "integer", (c) => c.references("contacts.id"))
      .addColumn("body", "text", notNull)
      .addColumn("channel", "text", notNull)
      .addColumn("created_at", time, notNull)
      .execute();
    await db.schema
      .createIndex("ticket_messages_ticket_idx")
      .on("ticket_messages")
      .columns(["ticket_id", "id"])
      .execute();

    await withId(db.schema.createTable("attachments"), dialect)
      .addColumn("ticket_id", "integer", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
      .addColumn("message_id", "integer", (c) => c.references("ticket_messages.id"))
      .addColumn("filename", "text", notNull)
      .addColumn("content_type", "text", notNull)
      .addColumn("size", "integer", notNull)
      .addColumn("sha256", "text", notNull)
      .addColumn("visibility", "text", notNull)
      .addColumn("uploaded_by_user_id", "integer", (c) => c.references("users.id"))
      .addColumn("created_at", time, notNull)
      .execute();
    await db.schema
      .createIndex("attachments_ticket_idx")
      .on("attachments")
      .columns(["ticket_id", "id"])
      .execute();

    await withId(db.schema.createTable("ticket_events"), dialect)
      .addColumn("ticket_id", "integer", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
      .addColumn("type", "text", notNull)
      .addColumn("actor_user_id", "integer", (c) => c.references("users.id"))
      .addColumn("before", "text")
      .addColumn("after", "text")
      .addColumn("created_at", time, notNull)
      .execute();
    await db.schema
      .createIndex("ticket_events_ticket_idx")
      .on("ticket_events")
      .columns(["ticket_id", "id"])
      .execute();

    await withId(db.schema.createTable("tier_segments"), dialect)
      .addColumn("ticket_id", "integer", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
      .addColumn("tier", "integer", notNull)
      .addColumn("entered_at", time, notNull)
      .addColumn("left_at", time)
      .addColumn("entered_by", "integer", (c) => c.references("users.id"))
      .addColumn("reason", "text")
      .execute();
    await db.schema
      .createIndex("tier_segments_ticket_idx")
      .on("tier_segments")
      .columns(["ticket_id", "id"])
      .execute();
  },
};
