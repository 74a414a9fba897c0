import { sql } from "kysely";
import { type Db, isPostgres } from "../../db/database.js";
import type { ClockRow } from "./sla.clocks.js";

/** SQL for SLA policies and clocks. */
export function createSlaRepository(db: Db) {
  return {
    policies: (siteId: number, exec: Db = db) =>
      exec
        .selectFrom("sla_policies")
        .selectAll()
        .where("site_id", "=", siteId)
        .orderBy("priority")
        .orderBy("tier")
        .execute(),
    clocks: (exec: Db, ticketId: number): Promise<ClockRow[]> =>
      exec.selectFrom("ticket_sla_clocks").selectAll().where("ticket_id", "=", ticketId).execute(),
    async saveClock(exec: Db, c: ClockRow): Promise<void> {
      const { ticket_id, kind, ...rest } = c;
      await exec
        .insertInto("ticket_sla_clocks")
        .values(c)
        .onConflict((oc) => oc.columns(["ticket_id", "kind"]).doUpdateSet(rest))
        .execute();
    },
    /**
     * Inserts the first clocks of a ticket just opened and writes their summary on the ticket
     * (sla_due_at, sla_state): one statement on PostgreSQL, whose WITH takes an INSERT.
     */
    async insertClocks(
      exec: Db,
      ticketId: number,
      clocks: ClockRow[],
      summary: { sla_due_at: number | null; sla_state: string | null },
    ): Promise<void> {
      const setSummary = (e: Db) => e.updateTable("tickets").set(summary).where("id", "=", ticketId);
      if (!clocks.length) {
        await setSummary(exec).execute();
        return;
      }
      if (isPostgres(exec)) {
        await exec
          .with("c", (w) => w.insertInto("ticket_sla_clocks").values(clocks))
          .updateTable("tickets")
          .set(summary)
          .where("id", "=", ticketId)
          .execute();
        return;
      }
      await exec.insertInto("ticket_sla_clocks").values(clocks).execute();
      await setSummary(exec).execute();
    },
    /** Writes many clocks with a few multi-row upserts. */
    async saveClocks(exec: Db, clocks: ClockRow[]): Promise<void> {
      for (let i = 0; i < clocks.length; i += 500) {
        await exec
          .insertInto("ticket_sla_clocks")
          .values(clocks.slice(i, i + 500))
          .onConflict((oc) =>
            oc.columns(["ticket_id", "kind"]).doUpdateSet((eb) => ({
              state: eb.ref("excluded.state"),
              target_minutes: eb.ref("excluded.target_minutes"),
              consumed_minutes: eb.ref("excluded.consumed_minutes"),
              running_since: eb.ref("excluded.running_since"),
              due_at: eb.ref("excluded.due_at"),
              warn_at: eb.ref("excluded.warn_at"),
              warn_percent: eb.ref("excluded.warn_percent"),
              warned_at: eb.ref("excluded.warned_at"),
            })),
          )
          .execute();
      }
    },
    deleteClock: (exec: Db, ticketId: number, kind: string) =>
      exec
        .deleteFrom("ticket_sla_clocks")
        .where("ticket_id", "=", ticketId)
        .where("kind", "=", kind)
        .execute(),
    /**
     * Running clocks whose breach or warning is due and has not fired: two simple queries, each
     * served by its partial index on either database (an OR of both would scan).
     */
    async due(now: number, limit: number): Promise<ClockRow[]> {
      const breaches = await db
        .selectFrom("ticket_sla_clocks")
        .selectAll()
        .where("state", "=", "running")
        .where("breached_at", "is", null)
        .where("due_at", "<=", now)
        .orderBy("due_at")
        .limit(limit)
        .execute();
      const warnings = await db
        .selectFrom("ticket_sla_clocks")
        .selectAll()
        .where("state", "=", "running")
        .where("warned_at", "is", null)
        .where("warn_at", "<=", now)
        .orderBy("warn_at")
        .limit(limit)
        .execute();
      const seen = new Set(breaches.map((c) => `${c.ticket_id}:${c.kind}`));
      return [...breaches, ...warnings.filter((c) => !seen.has(`${c.ticket_id}:${c.kind}`))];
    },
    /** Marks a clock warned or breached if no one else did; false when another sweep got there first. */
    async mark(exec: Db, c: ClockRow, field: "warned_at" | "breached_at", at: number): Promise<boolean> {
      const res = await exec
        .updateTable("ticket_sla_clocks")
        // A breach also settles the warning, so no warning follows a breach.
        .set({
          [field]: at,
          warn_at: null,
          ...(field === "breached_at" ? { warned_at: sql`coalesce(warned_at, ${at})` } : {}),
        })
        .where("ticket_id", "=", c.ticket_id)
        .where("kind", "=", c.kind)
        .where(field, "is", null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    /**
     * Open clocks of a site's tickets with the ticket's priority and tier, for recomputing after a
     * calendar or policy change; walks the site's tickets that have counting clocks (sla_state set).
     */
    openClocksOfSite: (siteId: number, afterTicketId: number, limit: number) =>
      db
        .selectFrom("tickets")
        .innerJoin("ticket_sla_clocks", "ticket_sla_clocks.ticket_id", "tickets.id")
        .selectAll("ticket_sla_clocks")
        .select(["tickets.priority", "tickets.tier"])
        .where("tickets.site_id", "=", siteId)
        .where("tickets.sla_state", "is not", null)
        .where("tickets.id", ">", afterTicketId)
        .where("ticket_sla_clocks.state", "in", ["running", "paused"])
        .orderBy("tickets.id")
        .limit(limit)
        .execute(),
    /** The running and paused clocks of some tickets, read again inside the transaction that rewrites them. */
    openClocksOf: (tx: Db, ticketIds: number[]) =>
      tx
        .selectFrom("tickets")
        .innerJoin("ticket_sla_clocks", "ticket_sla_clocks.ticket_id", "tickets.id")
        .selectAll("ticket_sla_clocks")
        .select(["tickets.priority", "tickets.tier"])
        .where("tickets.id", "in", ticketIds)
        .where("ticket_sla_clocks.state", "in", ["running", "paused"])
        .orderBy("tickets.id")
        .execute(),
  };
}
export type SlaRepository = ReturnType<typeof createSlaRepository>;
