import type { Db } from "../../db/database.js";

/** SQL for links between tickets. */
export function createLinksRepository(db: Db) {
  return {
    ofTicket: (ticketId: number) =>
      db
        .selectFrom("ticket_links")
        .selectAll()
        .where((eb) => eb.or([eb("ticket_id", "=", ticketId), eb("other_ticket_id", "=", ticketId)]))
        .orderBy("id")
        .execute(),
    between: (a: number, b: number, exec: Db = db) =>
      exec
        .selectFrom("ticket_links")
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb("ticket_id", "=", a), eb("other_ticket_id", "=", b)]),
            eb.and([eb("ticket_id", "=", b), eb("other_ticket_id", "=", a)]),
          ]),
        )
        .executeTakeFirst(),
    find: (id: number) => db.selectFrom("ticket_links").selectAll().where("id", "=", id).executeTakeFirst(),
    insert: (
      tx: Db,
      row: {
        ticket_id: number;
        other_ticket_id: number;
        kind: string;
        created_by: number | null;
        created_at: number;
      },
    ) => tx.insertInto("ticket_links").values(row).returning("id").executeTakeFirstOrThrow(),
    setKind: (tx: Db, id: number, kind: string) =>
      tx.updateTable("ticket_links").set({ kind }).where("id", "=", id).execute(),
    remove: (tx: Db, id: number) => tx.deleteFrom("ticket_links").where("id", "=", id).execute(),
  };
}
