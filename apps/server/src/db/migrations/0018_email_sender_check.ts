import type { DialectMigration } from "./helpers.js";
import { notNull, timeType } from "./helpers.js";

/**
 * Who really sent a message that came in by mail, and whether the ticket knew them: threading by a
 * key or a Message-ID no longer makes anyone the requester (modules/channels/email/email.senders.ts).
 * Messages keep the sender's address, display name and the outcome of the check; mails keep the
 * display name beside the address they had; and a ticket keeps the addresses its requester copied on
 * their mail, whose replies thread as the requester's own.
 */
export const emailSenderCheck: DialectMigration = {
  async up(db, dialect) {
    const time = timeType(dialect);
    await db.schema.alterTable("ticket_messages").addColumn("sender_address", "text").execute();
    await db.schema.alterTable("ticket_messages").addColumn("sender_name", "text").execute();
    await db.schema.alterTable("ticket_messages").addColumn("sender_status", "text").execute();
    await db.schema.alterTable("email_messages").addColumn("from_name", "text").execute();
    await db.schema
      .createTable("email_participants")
      .addColumn("ticket_id", "integer", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
      .addColumn("address", "text", notNull)
      .addColumn("email_message_id", "integer", (c) => c.references("email_messages.id").onDelete("set null"))
      .addColumn("created_at", time, notNull)
      .addPrimaryKeyConstraint("email_participants_pk", ["ticket_id", "address"])
      .execute();
  },
};
