import { z } from "zod";
import type { Db } from "../../db/database.js";
import { isUniqueViolation } from "../../db/database.js";
import type { Actor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { conflict, forbidden } from "../../shared/errors.js";
import { text } from "../../shared/text.js";
import { vendorTeamSlug } from "../users/users.schemas.js";

export const vendorTeamInput = z.strictObject({
  slug: vendorTeamSlug,
  name: text(200),
  product: text(100).nullable().optional(),
});
export const vendorTeam = z.object({
  id: z.number(),
  slug: z.string(),
  name: z.string(),
  product: z.string().nullable(),
});
export type VendorTeamView = z.infer<typeof vendorTeam>;

/** Vendor teams: the Level 3 engineers of a product, who see only the tickets handed to them. */
export function createVendorsService({ db, clock }: { db: Db; clock: Clock }) {
  const knownSlugs = new Map<number, string>();
  return {
    list(): Promise<VendorTeamView[]> {
      return db
        .selectFrom("vendor_teams")
        .select(["id", "slug", "name", "product"])
        .orderBy("slug")
        .execute();
    },
    async create(actor: Actor, input: z.infer<typeof vendorTeamInput>): Promise<VendorTeamView> {
      if (!actor.hubAdmin) throw forbidden();
      try {
        return await db
          .insertInto("vendor_teams")
          .values({
            slug: input.slug,
            name: input.name,
            product: input.product ?? null,
            created_at: clock.now(),
          })
          .returning(["id", "slug", "name", "product"])
          .executeTakeFirstOrThrow();
      } catch (e) {
        if (isUniqueViolation(e))
          throw conflict("vendor_team.slug_taken", `Team ${input.slug} exists`, [
            { field: "slug", message: "already in use" },
          ]);
        throw e;
      }
    },
    /** Resolves team slugs to ids; unknown slugs are returned separately. */
    async resolveSlugs(slugs: string[]): Promise<{ ids: Map<string, number>; missing: string[] }> {
      const rows = slugs.length
        ? await db.selectFrom("vendor_teams").select(["id", "slug"]).where("slug", "in", slugs).execute()
        : [];
      const ids = new Map(rows.map((r) => [r.slug, r.id]));
      return { ids, missing: slugs.filter((s) => !ids.has(s)) };
    },
    /** Team slugs by id, for showing tickets; remembered per process (slugs never change, teams stay). */
    async slugs(ids: number[]): Promise<Map<number, string>> {
      const unique = [...new Set(ids)];
      const missing = unique.filter((id) => !knownSlugs.has(id));
      if (missing.length) {
        const rows = await db
          .selectFrom("vendor_teams")
          .select(["id", "slug"])
          .where("id", "in", missing)
          .execute();
        for (const r of rows) knownSlugs.set(r.id, r.slug);
      }
      const out = new Map<number, string>();
      for (const id of unique) {
        const slug = knownSlugs.get(id);
        if (slug !== undefined) out.set(id, slug);
      }
      return out;
    },
    async byId(id: number): Promise<VendorTeamView | undefined> {
      return db
        .selectFrom("vendor_teams")
        .select(["id", "slug", "name", "product"])
        .where("id", "=", id)
        .executeTakeFirst();
    },
  };
}
export type VendorsService = ReturnType<typeof createVendorsService>;
