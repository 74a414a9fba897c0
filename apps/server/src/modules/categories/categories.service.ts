import type { Db } from "../../db/database.js";
import type { Actor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso } from "../../shared/clock.js";
import { forbidden } from "../../shared/errors.js";
import { type CategoryRow, createCategoriesRepository, type PriorityRow } from "./categories.repository.js";
import type {
  CategoryInput,
  CategoryView,
  EscalationCriteria,
  PriorityInput,
  PriorityView,
} from "./categories.schemas.js";

const parseCriteria = (json: string): EscalationCriteria => {
  const raw = JSON.parse(json) as Partial<Record<string, string[]>>;
  return { "2": raw["2"] ?? [], "3": raw["3"] ?? [] };
};
const categoryView = (r: CategoryRow): CategoryView => ({
  key: r.key,
  name: r.name,
  criteria: parseCriteria(r.escalation_criteria),
  active: r.active === 1,
  position: r.position,
  updatedAt: toIso(r.updated_at),
});
const priorityView = (r: PriorityRow): PriorityView => ({
  key: r.key,
  name: r.name,
  rank: r.rank,
  expedited: r.expedited === 1,
  updatedAt: toIso(r.updated_at),
});
const hubAdminOnly = (actor: Actor) => {
  if (!actor.hubAdmin)
    throw forbidden("reference.forbidden", "Only hub admins configure categories and priorities");
};

/**
 * How long a process trusts the reference rows it read: a change made through this process is seen
 * at once, one made through another process (a worker) within this time.
 */
const REFERENCE_TTL_MS = 5_000;

/** Categories (with their escalation criteria) and priorities: reference data the hub admin configures. */
export function createCategoriesService({ db, clock }: { db: Db; clock: Clock }) {
  const rankListeners: Array<(key: string, rank: number) => Promise<void>> = [];
  const repo = createCategoriesRepository(db);
  // Ticket intake checks the same category and priority for every request: kept in memory briefly.
  const categoryCache = new Map<string, { row: CategoryRow | undefined; at: number }>();
  const priorityCache = new Map<string, { row: PriorityRow | undefined; at: number }>();
  const fresh = (at: number) => performance.now() - at < REFERENCE_TTL_MS;
  async function category(key: string): Promise<CategoryRow | undefined> {
    const hit = categoryCache.get(key);
    if (hit && fresh(hit.at)) return hit.row;
    const at = performance.now();
    const row = await repo.category(key);
    categoryCache.set(key, { row, at });
    return row;
  }
  async function priority(key: string): Promise<PriorityRow | undefined> {
    const hit = priorityCache.get(key);
    if (hit && fresh(hit.at)) return hit.row;
    const at = performance.now();
    const row = await repo.priority(key);
    priorityCache.set(key, { row, at });
    return row;
  }
  return {
    /** Active categories in display order; hub admins may ask for retired ones too. */
    async list(actor: Actor, options: { includeInactive: boolean }): Promise<CategoryView[]> {
      return (await repo.categories(options.includeInactive && actor.hubAdmin)).map(categoryView);
    },
    /** Creates or changes a category; a new one goes to the end unless a position is given. */
    async put(
      actor: Actor,
      key: string,
      input: CategoryInput,
    ): Promise<{ category: CategoryView; created: boolean }> {
      hubAdminOnly(actor);
      const existing = await repo.category(key);
      const row = await repo.upsertCategory({
        key,
        name: input.name,
        escalation_criteria: JSON.stringify({
          "2": input.criteria["2"] ?? [],
          "3": input.criteria["3"] ?? [],
        }),
        active: input.active ? 1 : 0,
        position: input.position ?? existing?.position ?? (await repo.nextPosition()),
        updated_at: clock.now(),
      });
      categoryCache.delete(key);
      return { category: categoryView(row), created: !existing };
    },
    /** Whether tickets may be filed under this category now. */
    async isActive(key: string): Promise<boolean> {
      return (await category(key))?.active === 1;
    },
    /** The checklists shown before escalating a ticket of this category (empty for an unknown one). */
    async criteria(key: string): Promise<EscalationCriteria> {
      const row = await category(key);
      return row ? parseCriteria(row.escalation_criteria) : { "2": [], "3": [] };
    },
    async listPriorities(): Promise<PriorityView[]> {
      return (await repo.priorities()).map(priorityView);
    },
    async putPriority(
      actor: Actor,
      key: string,
      input: PriorityInput,
    ): Promise<{ priority: PriorityView; created: boolean }> {
      hubAdminOnly(actor);
      const existing = await repo.priority(key);
      const row = await repo.upsertPriority({
        key,
        name: input.name,
        rank: input.rank,
        expedited: input.expedited ? 1 : 0,
        updated_at: clock.now(),
      });
      priorityCache.delete(key);
      if (existing && existing.rank !== row.rank)
        for (const listen of rankListeners) await listen(key, row.rank);
      return { priority: priorityView(row), created: !existing };
    },
    /** The sort rank of a priority, or undefined when no such priority exists. */
    async priorityRank(key: string): Promise<number | undefined> {
      return (await priority(key))?.rank;
    },
    /** Called when a priority's rank changes, so tickets can sort by the new rank (wired once at start-up). */
    onRankChange(listener: (key: string, rank: number) => Promise<void>): void {
      rankListeners.push(listener);
    },
    /** Whether tickets of this priority take the expedited path (skip a level, page on-call people). */
    async isExpedited(key: string): Promise<boolean> {
      return (await priority(key))?.expedited === 1;
    },
  };
}
export type CategoriesService = ReturnType<typeof createCategoriesService>;
