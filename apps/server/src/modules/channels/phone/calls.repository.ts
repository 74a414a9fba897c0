import type { Insertable, Selectable } from "kysely";
import type { Db } from "../../../db/database.js";
import type { PhoneCallsTable } from "../../../db/schema.js";

export type CallRow = Selectable<PhoneCallsTable> & { ticket_key: string };

/** SQL of logged phone calls. */
export function createCallsRepository(db: Db) {
  const withKey = () =>
    db
      .selectFrom("phone_calls")
      .innerJoin("tickets", "tickets.id", "phone_calls.ticket_id")
      .selectAll("phone_calls")
      .select("tickets.key as ticket_key");
  return {
    async insert(row: Insertable<PhoneCallsTable>): Promise<number> {
      const r = await db.insertInto("phone_calls").values(row).returning("id").executeTakeFirstOrThrow();
      return r.id;
    },
    byId: (id: number): Promise<CallRow | undefined> =>
      withKey().where("phone_calls.id", "=", id).executeTakeFirst(),
    /** A site's calls, latest first, keyset-paginated on (started_at, id). */
    list(siteId: number, after: [number, number] | null, limit: number): Promise<CallRow[]> {
      let q = withKey().where("phone_calls.site_id", "=", siteId);
      if (after)
        q = q.where((eb) =>
          eb.or([
            eb("phone_calls.started_at", "<", after[0]),
            eb.and([eb("phone_calls.started_at", "=", after[0]), eb("phone_calls.id", "<", after[1])]),
          ]),
        );
      return q
        .orderBy("phone_calls.started_at", "desc")
        .orderBy("phone_calls.id", "desc")
        .limit(limit)
        .execute();
    },
  };
}
