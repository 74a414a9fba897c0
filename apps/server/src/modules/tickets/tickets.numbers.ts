import { sql } from "kysely";
import type { Db } from "../../db/database.js";
import { isPostgres } from "../../db/database.js";

/**
 * Where a site's ticket numbers (the N of `ZMB-N`) come from.
 *
 * - SQLite: the site's row in `site_counters`, incremented inside the creating transaction. SQLite runs
 *   one writer at a time anyway, so this costs no concurrency, and numbers have no gaps.
 * - PostgreSQL: a sequence per site, `ticket_numbers_<site id>` (migration 0016; `site_counters` is
 *   empty there). A counter row would stay locked until the creating transaction commits, so creations
 *   at one site would each wait for the previous one's commit to reach the disk: about 3 ms here, which
 *   capped a site at 160-300 creations a second however many clients or cores. A sequence is never
 *   locked for a transaction. The price, PostgreSQL's usual one: a creation that fails after taking its
 *   number (a lost race of two retries of one request, a crash) leaves that number unused, so a site's
 *   keys are unique and increasing but may skip a number. Nothing reads meaning into a missing key.
 */
export const numberSequence = (siteId: number) => `ticket_numbers_${siteId}`;

/** Sets up a new site's numbers (in the transaction that creates the site), the first one to come being `last + 1`. */
export async function createSiteCounter(tx: Db, siteId: number, last = 0): Promise<void> {
  if (!isPostgres(tx)) {
    await tx.insertInto("site_counters").values({ site_id: siteId, last_number: last }).execute();
    return;
  }
  await sql`create sequence ${sql.id(numberSequence(siteId))} as integer minvalue 1`.execute(tx);
  if (last > 0) await setSiteCounter(tx, siteId, last);
}

/** Makes the site's next number `last + 1` (the bench seed, which writes numbered tickets in bulk). */
export async function setSiteCounter(tx: Db, siteId: number, last: number): Promise<void> {
  if (!isPostgres(tx)) {
    await tx.updateTable("site_counters").set({ last_number: last }).where("site_id", "=", siteId).execute();
    return;
  }
  // setval's third argument false means "the next nextval returns this value".
  await sql`select setval(${numberSequence(siteId)}::regclass, ${last + 1}, false)`.execute(tx);
}

/** The last number the site handed out (0 before its first ticket). */
export async function lastSiteNumber(db: Db, siteId: number): Promise<number> {
  if (!isPostgres(db)) {
    const row = await db
      .selectFrom("site_counters")
      .select("last_number")
      .where("site_id", "=", siteId)
      .executeTakeFirstOrThrow();
    return row.last_number;
  }
  const r = await sql<{ last: number; called: boolean }>`select last_value as last, is_called as called
    from ${sql.id(numberSequence(siteId))}`.execute(db);
  const row = r.rows[0];
  return row?.called ? Number(row.last) : Math.max(0, Number(row?.last ?? 1) - 1);
}
