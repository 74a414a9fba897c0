import { sql } from "kysely";
import type { DialectMigration } from "./helpers.js";

/**
 * PostgreSQL takes ticket numbers from a sequence per site instead of the `site_counters` row, whose
 * lock every creation at the site held until its commit (modules/tickets/tickets.numbers.ts says why).
 * Each site's sequence continues from its counter, and the counter rows go, so that no stale number is
 * left to read. SQLite keeps its counters.
 */
export const ticketNumberSequences: DialectMigration = {
  async up(db, dialect) {
    if (dialect !== "postgres") return;
    const counters = await db.selectFrom("site_counters").select(["site_id", "last_number"]).execute();
    for (const c of counters as Array<{ site_id: number; last_number: number }>) {
      const name = `ticket_numbers_${c.site_id}`;
      await sql`create sequence ${sql.id(name)} as integer minvalue 1`.execute(db);
      await sql`select setval(${name}::regclass, ${c.last_number + 1}, false)`.execute(db);
    }
    await db.deleteFrom("site_counters").execute();
  },
};
