import { sql } from "kysely";
import type { DialectMigration } from "./helpers.js";
import { notNull, timeType, withId } from "./helpers.js";

/**
 * The staff workspace: personal saved queue views, canned replies (hub-wide or per site), links between
 * tickets (related problems, duplicates merged into another ticket), and the index that lets a queue
 * page walk open tickets by SLA due time (bench/PLANS.md, "Queue page").
 */
export const staffWorkspace: DialectMigration = {
  async up(db, dialect) {
    const time = timeType(dialect);

    await withId(db.schema.createTable("saved_views"), dialect)
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("name", "text", notNull)
      // the list API's query as JSON ({"site":["ZMB"],"tier":[2],...})
      .addColumn("filters", "text", notNull)
      .addColumn("position", "integer", notNull)
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .execute();
    await db.schema
      .createIndex("saved_views_user_name_uq")
      .on("saved_views")
      .columns(["user_id", "name"])
      .unique()
      .execute();

    await withId(db.schema.createTable("canned_replies"), dialect)
      // null: offered at every site (hub admins keep those)
      .addColumn("site_id", "integer", (c) => c.references("sites.id").onDelete("cascade"))
      .addColumn("title", "text", notNull)
      .addColumn("body", "text", notNull)
      .addColumn("language", "text")
      .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .execute();
    await db.schema.createIndex("canned_replies_site_idx").on("canned_replies").column("site_id").execute();

    await withId(db.schema.createTable("ticket_links"), dialect)
      .addColumn("ticket_id", "integer", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
      .addColumn("other_ticket_id", "integer", (c) =>
        c.notNull().references("tickets.id").onDelete("cascade"),
      )
      // related, or duplicate-of (ticket_id was merged into other_ticket_id)
      .addColumn("kind", "text", notNull)
      .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
      .addColumn("created_at", time, notNull)
      .execute();
    await db.schema
      .createIndex("ticket_links_pair_uq")
      .on("ticket_links")
      .columns(["ticket_id", "other_ticket_id"])
      .unique()
      .execute();
    await db.schema
      .createIndex("ticket_links_other_idx")
      .on("ticket_links")
      .column("other_ticket_id")
      .execute();

    await sql`create index tickets_active_sla_idx on tickets (site_id, tier, sla_due_at, id)
      where status in ('new', 'open', 'pending-requester', 'pending-vendor')`.execute(db);
  },
};
