import type { DialectMigration } from "./helpers.js";
import { notNull, timeType, withId } from "./helpers.js";

/** Sites, vendor teams, users with per-site memberships, sessions, API tokens, password resets. */
export const sitesUsersAndAccess: DialectMigration = {
  async up(db, dialect) {
    const time = timeType(dialect);
    await withId(db.schema.createTable("sites"), dialect)
      .addColumn("code", "varchar(10)", (c) => c.notNull().unique())
      .addColumn("name", "text", notNull)
      .addColumn("country", "text", notNull)
      .addColumn("product", "text", notNull)
      .addColumn("product_version", "text")
      .addColumn("time_zone", "text", notNull)
      .addColumn("languages", "text", notNull)
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .execute();

    await withId(db.schema.createTable("vendor_teams"), dialect)
      .addColumn("slug", "text", (c) => c.notNull().unique())
      .addColumn("name", "text", notNull)
      .addColumn("product", "text")
      .addColumn("created_at", time, notNull)
      .execute();

    await withId(db.schema.createTable("users"), dialect)
      .addColumn("email", "text", (c) => c.notNull().unique())
      .addColumn("name", "text", notNull)
      .addColumn("password_hash", "text")
      .addColumn("is_hub_admin", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("language", "text", (c) => c.notNull().defaultTo("en"))
      .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", time, notNull)
      .addColumn("updated_at", time, notNull)
      .execute();

    await db.schema
      .createTable("memberships")
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("site_id", "integer", (c) => c.notNull().references("sites.id").onDelete("cascade"))
      .addColumn("role", "text", notNull)
      .addColumn("created_at", time, notNull)
      .addPrimaryKeyConstraint("memberships_pk", ["user_id", "site_id", "role"])
      .execute();
    await db.schema
      .createIndex("memberships_site_idx")
      .on("memberships")
      .columns(["site_id", "role"])
      .execute();

    await db.schema
      .createTable("vendor_team_members")
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("team_id", "integer", (c) => c.notNull().references("vendor_teams.id").onDelete("cascade"))
      .addColumn("created_at", time, notNull)
      .addPrimaryKeyConstraint("vendor_team_members_pk", ["user_id", "team_id"])
      .execute();

    await db.schema
      .createTable("sessions")
      .addColumn("id_hash", "text", (c) => c.primaryKey())
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("csrf_token", "text", notNull)
      .addColumn("created_at", time, notNull)
      .addColumn("last_seen_at", time, notNull)
      .addColumn("expires_at", time, notNull)
      .addColumn("ip", "text")
      .addColumn("user_agent", "text")
      .execute();
    await db.schema.createIndex("sessions_user_idx").on("sessions").column("user_id").execute();

    await withId(db.schema.createTable("api_tokens"), dialect)
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("name", "text", notNull)
      .addColumn("prefix", "text", notNull)
      .addColumn("token_hash", "text", (c) => c.notNull().unique())
      .addColumn("scopes", "text", notNull)
      .addColumn("created_at", time, notNull)
      .addColumn("last_used_at", time)
      .addColumn("expires_at", time)
      .addColumn("revoked_at", time)
      .execute();
    await db.schema.createIndex("api_tokens_user_idx").on("api_tokens").column("user_id").execute();

    await db.schema
      .createTable("password_resets")
      .addColumn("token_hash", "text", (c) => c.primaryKey())
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("created_by", "integer", (c) => c.notNull().references("users.id"))
      .addColumn("created_at", time, notNull)
      .addColumn("expires_at", time, notNull)
      .addColumn("used_at", time)
      .execute();
  },
};
