import type { Selectable } from "kysely";
import type { Db } from "../../db/database.js";
import type { CategoriesTable, PrioritiesTable } from "../../db/schema.js";

export type CategoryRow = Selectable<CategoriesTable>;
export type PriorityRow = Selectable<PrioritiesTable>;

/** SQL for the reference data: categories and priorities. */
export function createCategoriesRepository(db: Db) {
  return {
    categories(includeInactive: boolean): Promise<CategoryRow[]> {
      let q = db.selectFrom("categories").selectAll().orderBy("position").orderBy("key");
      if (!includeInactive) q = q.where("active", "=", 1);
      return q.execute();
    },
    category: (key: string) =>
      db.selectFrom("categories").selectAll().where("key", "=", key).executeTakeFirst(),
    async nextPosition(): Promise<number> {
      const row = await db
        .selectFrom("categories")
        .select((eb) => eb.fn.max("position").as("max"))
        .executeTakeFirst();
      return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
    },
    async upsertCategory(row: CategoryRow): Promise<CategoryRow> {
      const { key: _key, ...changes } = row;
      return db
        .insertInto("categories")
        .values(row)
        .onConflict((oc) => oc.column("key").doUpdateSet(changes))
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    priorities: (): Promise<PriorityRow[]> =>
      db.selectFrom("priorities").selectAll().orderBy("rank").orderBy("key").execute(),
    priority: (key: string) =>
      db.selectFrom("priorities").selectAll().where("key", "=", key).executeTakeFirst(),
    async upsertPriority(row: PriorityRow): Promise<PriorityRow> {
      const { key: _key, ...changes } = row;
      return db
        .insertInto("priorities")
        .values(row)
        .onConflict((oc) => oc.column("key").doUpdateSet(changes))
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}
