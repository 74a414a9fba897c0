import { sql } from "kysely";
import type { DialectMigration } from "./helpers.js";

/**
 * The per-tier resolution-time report of a site over a period (bench/PLANS.md, "Per-tier
 * resolution-time report"): the site's tickets resolved in the period as one index range (with the id,
 * so PostgreSQL answers from the index alone), and their tier segments from an index that holds every
 * column the report reads, so the per-ticket lookups never visit the segments table. Without them
 * PostgreSQL hash-joins a scan of every segment of every site.
 */
export const tierReportIndexes: DialectMigration = {
  async up(db) {
    await sql`create index tickets_site_resolved_idx on tickets (site_id, resolved_at, id)`.execute(db);
    await sql`create index tier_segments_report_idx on tier_segments (ticket_id, tier, entered_at, left_at)`.execute(
      db,
    );
  },
};
