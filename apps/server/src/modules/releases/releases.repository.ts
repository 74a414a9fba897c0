import type { Insertable, Selectable, Updateable } from "kysely";
import type { Db } from "../../db/database.js";
import type { ReleasesTable } from "../../db/schema.js";

export type ReleaseRow = Selectable<ReleasesTable>;

/** SQL for releases. */
export function createReleasesRepository(db: Db) {
  return {
    find: (id: number, exec: Db = db): Promise<ReleaseRow | undefined> =>
      exec.selectFrom("releases").selectAll().where("id", "=", id).executeTakeFirst(),

    list(filter: { product?: string; status?: string }): Promise<ReleaseRow[]> {
      let q = db.selectFrom("releases").selectAll();
      if (filter.product) q = q.where("product", "=", filter.product);
      if (filter.status) q = q.where("status", "=", filter.status);
      return q.orderBy("product").orderBy("planned_date").orderBy("id").limit(1000).execute();
    },

    insert: (tx: Db, row: Insertable<ReleasesTable>): Promise<ReleaseRow> =>
      tx.insertInto("releases").values(row).returningAll().executeTakeFirstOrThrow(),

    /** Changes a release only while it is in the expected status; false when it is not (any more). */
    async updateIn(tx: Db, id: number, statuses: string[], set: Updateable<ReleasesTable>): Promise<boolean> {
      const res = await tx
        .updateTable("releases")
        .set(set)
        .where("id", "=", id)
        .where("status", "in", statuses)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
  };
}
