import { sql } from "kysely";
import type { DialectMigration } from "./helpers.js";

/**
 * Indexes measured in bench/PLANS.md: the SLA sweep finds due warnings and breaches through two
 * partial indexes (instead of scanning every clock), and a recompute after a calendar or policy
 * change walks only a site's tickets that have clocks still counting.
 */
export const slaSweepAndRecomputeIndexes: DialectMigration = {
  async up(db) {
    await sql`create index ticket_sla_clocks_breach_idx on ticket_sla_clocks (due_at)
      where state = 'running' and breached_at is null`.execute(db);
    await sql`create index ticket_sla_clocks_warning_idx on ticket_sla_clocks (warn_at)
      where state = 'running' and warned_at is null`.execute(db);
    await sql`create index tickets_open_clocks_idx on tickets (site_id, id) where sla_state is not null`.execute(
      db,
    );
  },
};
