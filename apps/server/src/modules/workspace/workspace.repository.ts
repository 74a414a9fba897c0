import type { Selectable } from "kysely";
import type { Db } from "../../db/database.js";
import type { SavedViewsTable } from "../../db/schema.js";

export type SavedViewRow = Selectable<SavedViewsTable>;

/** SQL for saved views; every statement is scoped to the owner. */
export function createWorkspaceRepository(db: Db) {
  return {
    list: (userId: number) =>
      db
        .selectFrom("saved_views")
        .selectAll()
        .where("user_id", "=", userId)
        .orderBy("position")
        .orderBy("id")
        .execute(),

    find: (userId: number, id: number) =>
      db
        .selectFrom("saved_views")
        .selectAll()
        .where("user_id", "=", userId)
        .where("id", "=", id)
        .executeTakeFirst(),

    count: async (userId: number) =>
      Number(
        (
          await db
            .selectFrom("saved_views")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("user_id", "=", userId)
            .executeTakeFirst()
        )?.n ?? 0,
      ),

    insert: (row: Omit<SavedViewRow, "id">) =>
      db.insertInto("saved_views").values(row).returningAll().executeTakeFirstOrThrow(),

    update: (userId: number, id: number, set: Partial<SavedViewRow>) =>
      db
        .updateTable("saved_views")
        .set(set)
        .where("user_id", "=", userId)
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst(),

    remove: async (userId: number, id: number) =>
      Number(
        (
          await db
            .deleteFrom("saved_views")
            .where("user_id", "=", userId)
            .where("id", "=", id)
            .executeTakeFirst()
        ).numDeletedRows,
      ) === 1,
  };
}
