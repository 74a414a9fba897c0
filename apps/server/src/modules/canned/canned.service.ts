import type { Db } from "../../db/database.js";
import { type Actor, actorUserId } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso } from "../../shared/clock.js";
import { forbidden, invalid, notFound } from "../../shared/errors.js";
import { allowedActions } from "../../shared/policy.js";
import type { SitesService } from "../sites/sites.service.js";
import { cannedPolicy, cannedScope, mayCreateCanned } from "./canned.policy.js";
import { type CannedRow, createCannedRepository } from "./canned.repository.js";
import type { CannedCreate, CannedUpdate, CannedView } from "./canned.schemas.js";

const cannedNotFound = () => notFound("canned.not_found", "No such canned reply");

/** Canned replies: texts staff insert into a reply, kept by hub admins (hub-wide) and site coordinators. */
export function createCannedService({ db, clock, sites }: { db: Db; clock: Clock; sites: SitesService }) {
  const repo = createCannedRepository(db);

  async function siteIdOf(code: string): Promise<number> {
    const site = (await sites.resolveCodes([code])).found[0];
    if (!site)
      throw invalid("canned.unknown_site", `No site ${code}`, [{ field: "site", message: "unknown site" }]);
    return site.id;
  }

  async function views(actor: Actor, rows: CannedRow[]): Promise<CannedView[]> {
    const codes = await sites.codes(rows.flatMap((r) => (r.site_id ? [r.site_id] : [])));
    return rows.map((r) => ({
      id: r.id,
      site: r.site_id ? (codes.get(r.site_id) ?? null) : null,
      title: r.title,
      body: r.body,
      language: r.language as CannedView["language"],
      updatedAt: toIso(r.updated_at),
      actions: allowedActions(cannedPolicy, actor, { siteId: r.site_id }),
    }));
  }

  async function editable(actor: Actor, id: number): Promise<CannedRow> {
    const row = await repo.find(id);
    if (!row || !cannedPolicy.read(actor, { siteId: row.site_id })) throw cannedNotFound();
    if (!cannedPolicy.update(actor, { siteId: row.site_id }))
      throw forbidden("canned.forbidden", "Hub admins and the site's coordinators keep its canned replies");
    return row;
  }

  return {
    /**
     * The replies offered at a site (or at every site the actor works at) that the actor may read
     * (cannedPolicy.read, as a filter), with what the actor may do.
     */
    async list(actor: Actor, site?: string): Promise<CannedView[]> {
      const scope = cannedScope(actor);
      if (site) {
        const id = await siteIdOf(site);
        scope.siteIds = scope.siteIds === null || scope.siteIds.includes(id) ? [id] : [];
      }
      return views(actor, await repo.list(scope));
    },

    async create(actor: Actor, input: CannedCreate): Promise<CannedView> {
      const siteId = input.site ? await siteIdOf(input.site) : null;
      if (!mayCreateCanned(actor, { siteId }))
        throw forbidden("canned.forbidden", "Hub admins and the site's coordinators keep its canned replies");
      const now = clock.now();
      const row = await repo.insert({
        site_id: siteId,
        title: input.title,
        body: input.body,
        language: input.language,
        created_by: actorUserId(actor),
        created_at: now,
        updated_at: now,
      });
      return (await views(actor, [row]))[0] as CannedView;
    },

    async update(actor: Actor, id: number, patch: CannedUpdate): Promise<CannedView> {
      await editable(actor, id);
      const row = await repo.update(id, { ...patch, updated_at: clock.now() });
      return (await views(actor, [row]))[0] as CannedView;
    },

    async remove(actor: Actor, id: number): Promise<void> {
      await editable(actor, id);
      await repo.remove(id);
    },
  };
}
export type CannedService = ReturnType<typeof createCannedService>;
