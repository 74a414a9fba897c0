import { sql } from "kysely";
import type { DialectMigration } from "./helpers.js";
import { notNull, timeType } from "./helpers.js";

/**
 * What the requester portal needs to keep its private links and anonymous requests honest:
 * - `portal_requests.fingerprint`: the request a form submission carried, so a replay under the same
 *   Idempotency-Key with another body is refused (rows from before have none and are not checked);
 * - `requester_links`: a generation per ticket, raised when staff revoke its links (no row: generation 0);
 * - `contacts.unverified`: 1 for a contact made from an anonymous web form that has not confirmed its
 *   address from the mailbox. Such a contact may share its email (or phone) with a verified contact of the
 *   site, so the unique identifiers hold among verified contacts, and among unverified ones per email.
 */
export const portalLinksAndUnverifiedContacts: DialectMigration = {
  async up(db, dialect) {
    const time = timeType(dialect);
    await db.schema.alterTable("portal_requests").addColumn("fingerprint", "text").execute();

    await db.schema
      .createTable("requester_links")
      .addColumn("ticket_id", "integer", (c) => c.primaryKey().references("tickets.id"))
      .addColumn("generation", "integer", notNull)
      .addColumn("revoked_at", time, notNull)
      .addColumn("revoked_by", "integer", (c) => c.references("users.id"))
      .execute();

    await db.schema
      .alterTable("contacts")
      .addColumn("unverified", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    for (const col of ["email", "phone"] as const) {
      await db.schema.dropIndex(`contacts_site_${col}_uq`).execute();
      await db.schema
        .createIndex(`contacts_site_${col}_uq`)
        .on("contacts")
        .columns(["site_id", col])
        .unique()
        .where(col, "is not", null)
        .where(sql.ref("unverified"), "=", 0)
        .execute();
    }
    await db.schema
      .createIndex("contacts_site_unverified_email_uq")
      .on("contacts")
      .columns(["site_id", "email"])
      .unique()
      .where("email", "is not", null)
      .where(sql.ref("unverified"), "=", 1)
      .execute();
  },
};
