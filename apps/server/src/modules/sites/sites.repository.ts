import type { Selectable } from "kysely";
import type { Db } from "../../db/database.js";
import type { SitesTable } from "../../db/schema.js";
import { createSiteCounter } from "../tickets/tickets.numbers.js";

export type SiteRow = Selectable<SitesTable>;

/** SQL for sites; callers pass the set of site ids the actor may see (null for all). */
export function createSitesRepository(db: Db) {
  return {
    list(siteIds: number[] | null): Promise<SiteRow[]> {
      let q = db.selectFrom("sites").selectAll().orderBy("code");
      if (siteIds) q = siteIds.length ? q.where("id", "in", siteIds) : q.where((eb) => eb.lit(false));
      return q.execute();
    },
    findByCode: (code: string) =>
      db.selectFrom("sites").selectAll().where("code", "=", code).executeTakeFirst(),
    findById: (id: number) => db.selectFrom("sites").selectAll().where("id", "=", id).executeTakeFirst(),
    findByCodes: (codes: string[]) =>
      codes.length
        ? db.selectFrom("sites").selectAll().where("code", "in", codes).execute()
        : Promise.resolve([]),
    insert: (row: Omit<SiteRow, "id">) =>
      db.transaction().execute(async (tx) => {
        const created = await tx.insertInto("sites").values(row).returningAll().executeTakeFirstOrThrow();
        await createSiteCounter(tx, created.id);
        return created;
      }),
    update: (id: number, patch: Partial<Omit<SiteRow, "id" | "code">>) =>
      db.updateTable("sites").set(patch).where("id", "=", id).returningAll().executeTakeFirstOrThrow(),
  };
}
export type SitesRepository = ReturnType<typeof createSitesRepository>;
