import { sql } from "kysely";
import type { DialectMigration } from "./helpers.js";
import { notNull, timeType, withId } from "./helpers.js";

/**
 * The tiered workflow: reference data (categories with escalation criteria, priorities), business
 * calendars and SLA policies per site, SLA clocks per ticket, the L3 dossier, on-call people,
 * releases and deferrals, in-app notifications, and the job table of the embedded job runner.
 */
export const tieredWorkflow: DialectMigration = {
  async up(db, dialect) {
    const time = timeType(dialect);
    const now = Date.now();

    await db.schema
      .createTable("categories")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("name", "text", notNull)
      .addColumn("escalation_criteria", "text", notNull)
      .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("position", "integer", notNull)
      .addColumn("updated_at", time, notNull)
      .execute();
    const categories: Array<[string, string]> = [
      ["training", "Training"],
      ["configuration", "Configuration"],
      ["account-access", "Account and access"],
      ["bug", "Bug"],
      ["data-quality", "Data quality"],
      ["performance", "Performance"],
      ["connectivity", "Connectivity"],
      ["feature-request", "Feature request"],
      ["security", "Security"],
      ["other", "Other"],
    ];
    const toL2 = [
      "The self-service material and the support community were searched",
      "The issue cannot be solved with training, guidance or a small change in the application",
      "The steps tried at Level 1 are written in the ticket",
    ];
    const toL3 = [
      "The issue needs a change to the core product or deep technical expertise",
      "It was reproduced, or the evidence (screenshot or log) is attached",
      "No configuration change at the site can solve it",
    ];
    await db
      .insertInto("categories")
      .values(
        categories.map(([key, name], i) => ({
          key,
          name,
          escalation_criteria: JSON.stringify({ "2": toL2, "3": toL3 }),
          active: 1,
          position: i,
          updated_at: now,
        })),
      )
      .execute();

    await db.schema
      .createTable("priorities")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("name", "text", notNull)
      .addColumn("rank", "integer", notNull)
      .addColumn("expedited", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("updated_at", time, notNull)
      .execute();
    await db
      .insertInto("priorities")
      .values([
        { key: "critical", name: "Critical", rank: 0, expedited: 1, updated_at: now },
        { key: "high", name: "High", rank: 1, expedited: 0, updated_at: now },
        { key: "normal", name: "Normal", rank: 2, expedited: 0, updated_at: now },
        { key: "low", name: "Low", rank: 3, expedited: 0, updated_at: now },
      ])
      .execute();

    await withId(db.schema.createTable("calendars"), dialect)
      .addColumn("site_id", "integer", (c) => c.notNull().unique().references("sites.id").onDelete("cascade"))
      .addColumn("always_open", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("weekly", "text", notNull)
      .addColumn("version", "integer", notNull)
      .addColumn("updated_at", time, notNull)
      .execute();
    await withId(db.schema.createTable("holidays"), dialect)
      .addColumn("calendar_id", "integer", (c) => c.notNull().references("calendars.id").onDelete("cascade"))
      .addColumn("date", "text", notNull)
      .addColumn("name", "text")
      .addUniqueConstraint("holidays_calendar_date_uq", ["calendar_id", "date"])
      .execute();

    // tier 0 means "any tier"; a row for the ticket's own tier wins over it.
    await withId(db.schema.createTable("sla_policies"), dialect)
      .addColumn("site_id", "integer", (c) => c.notNull().references("sites.id").onDelete("cascade"))
      .addColumn("priority", "text", notNull)
      .addColumn("tier", "integer", notNull)
      .addColumn("first_response_minutes", "integer")
      .addColumn("next_response_minutes", "integer")
      .addColumn("resolution_minutes", "integer")
      .addColumn("warn_percent", "integer", notNull)
      .addColumn("updated_at", time, notNull)
      .addUniqueConstraint("sla_policies_uq", ["site_id", "priority", "tier"])
      .execute();

    await db.schema
      .createTable("ticket_sla_clocks")
      .addColumn("ticket_id", "integer", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
      .addColumn("kind", "text", notNull)
      .addColumn("state", "text", notNull)
      .addColumn("target_minutes", "integer", notNull)
      .addColumn("consumed_minutes", "real", notNull)
      .addColumn("running_since", time)
      .addColumn("started_at", time, notNull)
      .addColumn("due_at", time)
      .addColumn("warn_at", time)
      .addColumn("warn_percent", "integer", notNull)
      .addColumn("met_at", time)
      .addColumn("warned_at", time)
      .addColumn("breached_at", time)
      .addPrimaryKeyConstraint("ticket_sla_clocks_pk", ["ticket_id", "kind"])
      .execute();
    await db.schema
      .createIndex("ticket_sla_clocks_due_idx")
      .on("ticket_sla_clocks")
      .columns(["state", "due_at"])
      .execute();
    await db.schema
      .createIndex("ticket_sla_clocks_warn_idx")
      .on("ticket_sla_clocks")
      .columns(["state", "warn_at"])
      .execute();

    await db.schema.alterTable("tickets").addColumn("sla_due_at", time).execute();
    await db.schema.alterTable("tickets").addColumn("sla_state", "text").execute();
    await db.schema
      .createIndex("tickets_queue_idx")
      .on("tickets")
      .columns(["site_id", "tier", "status", "sla_due_at", "id"])
      .execute();

    await withId(db.schema.createTable("ticket_dossiers"), dialect)
      .addColumn("ticket_id", "integer", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
      .addColumn("version", "integer", notNull)
      .addColumn("data", "text", notNull)
      .addColumn("created_by", "integer", (c) => c.references("users.id"))
      .addColumn("created_at", time, notNull)
      .addUniqueConstraint("ticket_dossiers_version_uq", ["ticket_id", "version"])
      .execute();

    await db.schema
      .createTable("on_call")
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("site_id", "integer", (c) => c.notNull().references("sites.id").onDelete("cascade"))
      .addColumn("tier", "integer", notNull)
      .addPrimaryKeyConstraint("on_call_pk", ["user_id", "site_id", "tier"])
      .execute();

    await withId(db.schema.createTable("releases"), dialect)
      .addColumn("product", "text", notNull)
      .addColumn("version", "text", notNull)
      .addColumn("planned_date", "text")
      .addColumn("status", "text", notNull)
      .addColumn("notes", "text")
      .addColumn("shipped_at", time)
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .addUniqueConstraint("releases_product_version_uq", ["product", "version"])
      .execute();

    await withId(db.schema.createTable("deferrals"), dialect)
      .addColumn("ticket_id", "integer", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
      .addColumn("release_id", "integer", (c) => c.notNull().references("releases.id"))
      .addColumn("state", "text", notNull)
      .addColumn("reason", "text", notNull)
      .addColumn("proposed_by", "integer", (c) => c.notNull().references("users.id"))
      .addColumn("decided_by", "integer", (c) => c.references("users.id"))
      .addColumn("decision_note", "text")
      .addColumn("created_at", time, notNull)
      .addColumn("decided_at", time)
      .execute();
    await db.schema
      .createIndex("deferrals_ticket_idx")
      .on("deferrals")
      .columns(["ticket_id", "state"])
      .execute();
    await db.schema
      .createIndex("deferrals_release_idx")
      .on("deferrals")
      .columns(["release_id", "state"])
      .execute();

    await withId(db.schema.createTable("notifications"), dialect)
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("kind", "text", notNull)
      .addColumn("ticket_id", "integer", (c) => c.references("tickets.id").onDelete("cascade"))
      .addColumn("title", "text", notNull)
      .addColumn("body", "text")
      .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
      .addColumn("created_at", time, notNull)
      .addColumn("read_at", time)
      .execute();
    await db.schema
      .createIndex("notifications_user_idx")
      .on("notifications")
      .columns(["user_id", "read_at", "id"])
      .execute();

    if (dialect === "sqlite") {
      // The embedded job runner's queue; on PostgreSQL, pg-boss keeps its own schema.
      await withId(db.schema.createTable("jobs"), dialect)
        .addColumn("name", "text", notNull)
        .addColumn("payload", "text", notNull)
        .addColumn("singleton_key", "text")
        .addColumn("state", "text", notNull)
        .addColumn("run_at", time, notNull)
        .addColumn("attempts", "integer", notNull)
        .addColumn("max_attempts", "integer", notNull)
        .addColumn("locked_until", time)
        .addColumn("locked_by", "text")
        .addColumn("last_error", "text")
        .addColumn("created_at", time, notNull)
        .addColumn("updated_at", time, notNull)
        .execute();
      await db.schema.createIndex("jobs_due_idx").on("jobs").columns(["state", "run_at"]).execute();
      await sql`create unique index jobs_singleton_uq on jobs (name, singleton_key) where singleton_key is not null and state = 'queued'`.execute(
        db,
      );
    }
  },
};
