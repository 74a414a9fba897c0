import type { DialectMigration } from "./helpers.js";
import { notNull, timeType } from "./helpers.js";

/**
 * Sign-in throttling moves from each process's memory into the database, so that parallel attempts
 * and several servers count together: one row per (account, address), per account and per address,
 * keyed by a hash so that the table holds no email or address in plain text.
 */
export const signInThrottles: DialectMigration = {
  async up(db, dialect) {
    const time = timeType(dialect);
    await db.schema
      .createTable("sign_in_throttles")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("failures", "integer", notNull)
      // no attempt is checked before this time
      .addColumn("blocked_until", time, notNull)
      .addColumn("last_failure_at", time, notNull)
      // (account, address) rows: the last successful sign-in from there
      .addColumn("signed_in_at", time)
      .addColumn("updated_at", time, notNull)
      .execute();
    await db.schema
      .createIndex("sign_in_throttles_updated_idx")
      .on("sign_in_throttles")
      .column("updated_at")
      .execute();
  },
};
