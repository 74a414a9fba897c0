import type { Selectable } from "kysely";
import type { Db } from "../../db/database.js";
import type { TicketDossiersTable } from "../../db/schema.js";

export type DossierRow = Selectable<TicketDossiersTable>;

/** SQL for the versioned Level 3 dossiers and the on-call rota. */
export function createEscalationRepository(db: Db) {
  return {
    latestDossier: (ticketId: number, exec: Db = db) =>
      exec
        .selectFrom("ticket_dossiers")
        .selectAll()
        .where("ticket_id", "=", ticketId)
        .orderBy("version", "desc")
        .limit(1)
        .executeTakeFirst(),
    dossierVersion: (ticketId: number, version: number) =>
      db
        .selectFrom("ticket_dossiers")
        .selectAll()
        .where("ticket_id", "=", ticketId)
        .where("version", "=", version)
        .executeTakeFirst(),
    dossierVersions: (ticketId: number): Promise<DossierRow[]> =>
      db
        .selectFrom("ticket_dossiers")
        .selectAll()
        .where("ticket_id", "=", ticketId)
        .orderBy("version")
        .execute(),
    /** Adds the next version; two writers racing for the same number meet the unique constraint. */
    async insertDossier(
      exec: Db,
      row: { ticket_id: number; data: string; created_by: number | null; created_at: number },
    ): Promise<number> {
      const latest = await exec
        .selectFrom("ticket_dossiers")
        .select((eb) => eb.fn.max("version").as("max"))
        .where("ticket_id", "=", row.ticket_id)
        .executeTakeFirst();
      const version = Number(latest?.max ?? 0) + 1;
      await exec
        .insertInto("ticket_dossiers")
        .values({ ...row, version })
        .execute();
      return version;
    },
    onCall: (siteId: number, tier?: number) => {
      let q = db.selectFrom("on_call").selectAll().where("site_id", "=", siteId);
      if (tier !== undefined) q = q.where("tier", "=", tier);
      return q.orderBy("tier").orderBy("user_id").execute();
    },
    replaceOnCall: (siteId: number, entries: Array<{ userId: number; tier: number }>) =>
      db.transaction().execute(async (tx) => {
        await tx.deleteFrom("on_call").where("site_id", "=", siteId).execute();
        if (entries.length)
          await tx
            .insertInto("on_call")
            .values(entries.map((e) => ({ user_id: e.userId, site_id: siteId, tier: e.tier })))
            .execute();
      }),
  };
}
