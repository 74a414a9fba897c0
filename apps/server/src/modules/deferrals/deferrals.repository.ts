import { type Insertable, type Selectable, sql } from "kysely";
import type { Db, Dialect } from "../../db/database.js";
import type { DeferralsTable } from "../../db/schema.js";

export type DeferralRow = Selectable<DeferralsTable>;

/** SQL for deferrals. */
export function createDeferralsRepository(db: Db, dialect: Dialect) {
  return {
    insert: (tx: Db, row: Insertable<DeferralsTable>): Promise<DeferralRow> =>
      tx.insertInto("deferrals").values(row).returningAll().executeTakeFirstOrThrow(),

    find: (ticketId: number, id: number): Promise<DeferralRow | undefined> =>
      db
        .selectFrom("deferrals")
        .selectAll()
        .where("id", "=", id)
        .where("ticket_id", "=", ticketId)
        .executeTakeFirst(),

    forTicket: (ticketId: number): Promise<DeferralRow[]> =>
      db.selectFrom("deferrals").selectAll().where("ticket_id", "=", ticketId).orderBy("id").execute(),

    pending: (tx: Db, ticketId: number): Promise<DeferralRow | undefined> =>
      tx
        .selectFrom("deferrals")
        .selectAll()
        .where("ticket_id", "=", ticketId)
        .where("state", "=", "proposed")
        .executeTakeFirst(),

    approvedTo: (ticketId: number, releaseId: number): Promise<DeferralRow | undefined> =>
      db
        .selectFrom("deferrals")
        .selectAll()
        .where("ticket_id", "=", ticketId)
        .where("release_id", "=", releaseId)
        .where("state", "=", "approved")
        .executeTakeFirst(),

    /**
     * Serialises deferral writes for one ticket, so two proposals cannot both pass the "one waiting
     * proposal" check. SQLite runs one write transaction at a time already.
     */
    async lockTicket(tx: Db, ticketId: number): Promise<void> {
      if (dialect === "postgres")
        await sql`select pg_advisory_xact_lock(hashtext('tierdesk.deferrals'), ${ticketId}::int)`.execute(tx);
    },

    /** Records the decision on a waiting proposal; false when someone decided it first. */
    async decide(
      tx: Db,
      id: number,
      decision: { state: "approved" | "rejected"; by: number; note: string | null; at: number },
    ): Promise<boolean> {
      const res = await tx
        .updateTable("deferrals")
        .set({
          state: decision.state,
          decided_by: decision.by,
          decision_note: decision.note,
          decided_at: decision.at,
        })
        .where("id", "=", id)
        .where("state", "=", "proposed")
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    /** A newer approval replaces the ticket's deferrals to other releases still planned; shipped ones stay as history. */
    supersede: (tx: Db, ticketId: number, keepId: number, at: number) =>
      tx
        .updateTable("deferrals")
        .set({
          state: "cancelled",
          decided_at: at,
          decision_note: "Replaced by a deferral to another release",
        })
        .where("ticket_id", "=", ticketId)
        .where("state", "=", "approved")
        .where("id", "!=", keepId)
        .where("release_id", "in", (eb) =>
          eb.selectFrom("releases").select("id").where("status", "=", "planned"),
        )
        .execute(),

    /** Closes the proposals still waiting for a release that shipped or was cancelled. */
    cancelPendingFor: (tx: Db, releaseId: number, note: string, at: number): Promise<DeferralRow[]> =>
      tx
        .updateTable("deferrals")
        .set({ state: "cancelled", decided_at: at, decision_note: note })
        .where("release_id", "=", releaseId)
        .where("state", "=", "proposed")
        .returningAll()
        .execute(),

    /** Unlinks an approved deferral whose release was cancelled. */
    cancelApproved: (exec: Db, id: number, note: string, at: number) =>
      exec
        .updateTable("deferrals")
        .set({ state: "cancelled", decided_at: at, decision_note: note })
        .where("id", "=", id)
        .where("state", "=", "approved")
        .execute(),

    /** The approved deferrals of a release, oldest first. */
    approvedIn: (releaseId: number): Promise<DeferralRow[]> =>
      db
        .selectFrom("deferrals")
        .selectAll()
        .where("release_id", "=", releaseId)
        .where("state", "=", "approved")
        .orderBy("id")
        .execute(),
  };
}
