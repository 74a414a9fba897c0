import type { Selectable } from "kysely";
import type { Db } from "../../db/database.js";
import type { CannedRepliesTable } from "../../db/schema.js";

export type CannedRow = Selectable<CannedRepliesTable>;

/** SQL for canned replies. */
export function createCannedRepository(db: Db) {
  return {
    /** Hub-wide replies if asked for, and those of the given sites (every site's when `siteIds` is null). */
    list: ({ hubWide, siteIds }: { hubWide: boolean; siteIds: number[] | null }) =>
      db
        .selectFrom("canned_replies")
        .selectAll()
        .where((eb) =>
          eb.or([
            ...(hubWide ? [eb("site_id", "is", null)] : []),
            siteIds === null
              ? eb("site_id", "is not", null)
              : siteIds.length
                ? eb("site_id", "in", siteIds)
                : eb.lit(false),
          ]),
        )
        .orderBy("title")
        .orderBy("id")
        .execute(),
    find: (id: number) => db.selectFrom("canned_replies").selectAll().where("id", "=", id).executeTakeFirst(),
    insert: (row: Omit<CannedRow, "id">) =>
      db.insertInto("canned_replies").values(row).returningAll().executeTakeFirstOrThrow(),
    update: (id: number, set: Partial<CannedRow>) =>
      db.updateTable("canned_replies").set(set).where("id", "=", id).returningAll().executeTakeFirstOrThrow(),
    remove: (id: number) => db.deleteFrom("canned_replies").where("id", "=", id).execute(),
  };
}
