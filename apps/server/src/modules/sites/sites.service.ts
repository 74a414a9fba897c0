import type { Db } from "../../db/database.js";
import { isUniqueViolation } from "../../db/database.js";
import type { Actor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso } from "../../shared/clock.js";
import { conflict, forbidden, notFound } from "../../shared/errors.js";
import { allowedActions, authorize, authorizeVisible } from "../../shared/policy.js";
import { canCreateSite, sitePolicy, visibleSiteIds } from "./sites.policy.js";
import { createSitesRepository, type SiteRow } from "./sites.repository.js";
import type { SiteInput, SiteUpdate, SiteView } from "./sites.schemas.js";

export type SiteRecord = { id: number; code: string; name: string; timeZone: string; product: string };

/** Sites: the countries or implementations the hub serves. */
/** How long a process trusts a site record it read (changes made through another process show up after this). */
const SITE_TTL_MS = 5_000;

export function createSitesService({ db, clock }: { db: Db; clock: Clock }) {
  const repo = createSitesRepository(db);
  const knownCodes = new Map<number, string>();
  // Every ticket intake and SLA clock reads its site; a site's name, product or time zone changes
  // rarely, so a record read is trusted for SITE_TTL_MS (at once when changed through this process).
  const records = new Map<number, { record: SiteRecord; at: number }>();
  // A site's code never changes and sites are never deleted.
  const idsByCode = new Map<string, number>();

  const view = (actor: Actor, row: SiteRow): SiteView => ({
    code: row.code,
    name: row.name,
    country: row.country,
    product: row.product,
    productVersion: row.product_version,
    timeZone: row.time_zone,
    languages: JSON.parse(row.languages) as string[],
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    actions: allowedActions(sitePolicy, actor, row),
  });

  async function visibleByCode(actor: Actor, code: string): Promise<SiteRow> {
    const row = await repo.findByCode(code);
    if (!row) throw notFound("site.not_found", `No site ${code}`);
    authorizeVisible(actor, sitePolicy.read, row, "site.not_found");
    return row;
  }

  return {
    async list(actor: Actor): Promise<SiteView[]> {
      return (await repo.list(visibleSiteIds(actor))).map((r) => view(actor, r));
    },
    async get(actor: Actor, code: string): Promise<SiteView> {
      return view(actor, await visibleByCode(actor, code));
    },
    async create(actor: Actor, input: SiteInput): Promise<SiteView> {
      if (!canCreateSite(actor)) throw forbidden();
      const now = clock.now();
      try {
        const row = await repo.insert({
          code: input.code,
          name: input.name,
          country: input.country,
          product: input.product,
          product_version: input.productVersion ?? null,
          time_zone: input.timeZone,
          languages: JSON.stringify(input.languages),
          created_at: now,
          updated_at: now,
        });
        return view(actor, row);
      } catch (e) {
        if (isUniqueViolation(e)) {
          throw conflict("site.code_taken", `A site with code ${input.code} exists`, [
            { field: "code", message: "already in use" },
          ]);
        }
        throw e;
      }
    },
    async update(actor: Actor, code: string, patch: SiteUpdate): Promise<SiteView> {
      const row = await visibleByCode(actor, code);
      authorize(actor, sitePolicy.update, row);
      const updated = await repo.update(row.id, {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.country !== undefined ? { country: patch.country } : {}),
        ...(patch.product !== undefined ? { product: patch.product } : {}),
        ...(patch.productVersion !== undefined ? { product_version: patch.productVersion } : {}),
        ...(patch.timeZone !== undefined ? { time_zone: patch.timeZone } : {}),
        ...(patch.languages !== undefined ? { languages: JSON.stringify(patch.languages) } : {}),
        updated_at: clock.now(),
      });
      records.delete(row.id);
      return view(actor, updated);
    },
    /** Resolves site codes to records, for other modules; unknown codes are returned separately. */
    async resolveCodes(codes: string[]): Promise<{ found: SiteRecord[]; missing: string[] }> {
      const unique = [...new Set(codes)];
      // Every ticket creation names its site by code: served from the records read in the last SITE_TTL_MS.
      const now = performance.now();
      const cached = unique.map((c) => records.get(idsByCode.get(c) ?? 0));
      if (cached.every((hit) => hit && now - hit.at < SITE_TTL_MS))
        return { found: cached.map((hit) => (hit as { record: SiteRecord }).record), missing: [] };
      const rows = await repo.findByCodes(unique);
      const found = rows.map((r) => ({
        id: r.id,
        code: r.code,
        name: r.name,
        timeZone: r.time_zone,
        product: r.product,
      }));
      for (const record of found) {
        idsByCode.set(record.code, record.id);
        records.set(record.id, { record, at: now });
      }
      return { found, missing: codes.filter((c) => !rows.some((r) => r.code === c)) };
    },
    /**
     * Site codes by id, for showing tickets. A site's code never changes and sites are never deleted, so
     * each process remembers the codes it has read and most ticket pages need no query for them.
     */
    async codes(ids: number[]): Promise<Map<number, string>> {
      const unique = [...new Set(ids)];
      const missing = unique.filter((id) => !knownCodes.has(id));
      if (missing.length) {
        const rows = await db.selectFrom("sites").select(["id", "code"]).where("id", "in", missing).execute();
        for (const r of rows) knownCodes.set(r.id, r.code);
      }
      const out = new Map<number, string>();
      for (const id of unique) {
        const code = knownCodes.get(id);
        if (code !== undefined) out.set(id, code);
      }
      return out;
    },
    /** A site by id (remembered briefly); `exec` lets callers read inside their own transaction. */
    async byId(id: number, exec: Db = db): Promise<SiteRecord | undefined> {
      const hit = records.get(id);
      if (hit && performance.now() - hit.at < SITE_TTL_MS) return hit.record;
      const at = performance.now();
      const r = await exec.selectFrom("sites").selectAll().where("id", "=", id).executeTakeFirst();
      if (!r) return undefined;
      const record = { id: r.id, code: r.code, name: r.name, timeZone: r.time_zone, product: r.product };
      records.set(id, { record, at });
      return record;
    },
  };
}
export type SitesService = ReturnType<typeof createSitesService>;
