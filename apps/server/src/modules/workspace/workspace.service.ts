import { type Db, isUniqueViolation } from "../../db/database.js";
import { type Actor, SITE_READ_ROLES, sitesWithRole } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso } from "../../shared/clock.js";
import { conflict, forbidden, invalid, notFound } from "../../shared/errors.js";
import type { QueueFilter } from "../tickets/tickets.feed.js";
import type { TicketsService } from "../tickets/tickets.service.js";
import { createWorkspaceRepository, type SavedViewRow } from "./workspace.repository.js";
import type { BuiltinQueue, QueueFilters, SavedViewView } from "./workspace.schemas.js";

/** The statuses of tickets someone still has to work on. */
const ACTIVE = ["new", "open", "pending-requester", "pending-vendor"] as const;

/** The built-in queues: what each shows, as list filters. */
const BUILTINS: Record<BuiltinQueue, QueueFilters> = {
  mine: { assignee: "me", status: [...ACTIVE] },
  l1: { tier: [1], status: [...ACTIVE] },
  l2: { tier: [2], status: [...ACTIVE] },
  l3: { tier: [3], status: [...ACTIVE] },
  breaching: { sla: ["warning", "breached"], status: [...ACTIVE] },
  unassigned: { assignee: "none", status: [...ACTIVE] },
  deferred: { status: ["deferred"] },
};
/** Engineers work Level 3 only: the other levels' queues would always be empty for them. */
const ENGINEER_QUEUES: BuiltinQueue[] = ["mine", "l3", "breaching", "deferred"];
const MAX_VIEWS = 50;

const isSiteStaff = (a: Actor) => sitesWithRole(a, SITE_READ_ROLES).length > 0;
const isWorkspaceUser = (a: Actor) => a.hubAdmin || isSiteStaff(a) || a.vendorTeamIds.length > 0;

const toQueueFilter = (f: QueueFilters): QueueFilter => ({
  ...(f.site ? { sites: f.site } : {}),
  ...(f.status ? { statuses: f.status } : {}),
  ...(f.tier ? { tiers: f.tier } : {}),
  ...(f.priority ? { priorities: f.priority } : {}),
  ...(f.category ? { categories: f.category } : {}),
  ...(f.assignee !== undefined ? { assignee: f.assignee } : {}),
  ...(f.sla ? { slaStates: f.sla } : {}),
  ...(f.q ? { q: f.q } : {}),
});

const viewOf = (r: SavedViewRow): SavedViewView => ({
  id: r.id,
  name: r.name,
  filters: JSON.parse(r.filters) as QueueFilters,
  createdAt: toIso(r.created_at),
  updatedAt: toIso(r.updated_at),
});

const viewNotFound = () => notFound("view.not_found", "No such saved view of yours");
const duplicateName = () =>
  conflict("view.duplicate_name", "You already have a view with this name", [
    { field: "name", message: "already used by another of your views" },
  ]);

/** The staff workspace: built-in queues and personal saved views, with their counts. */
export function createWorkspaceService({
  db,
  clock,
  tickets,
}: {
  db: Db;
  clock: Clock;
  tickets: TicketsService;
}) {
  const repo = createWorkspaceRepository(db);

  function assertWorkspaceUser(actor: Actor) {
    if (!isWorkspaceUser(actor)) throw forbidden("workspace.staff_only", "The workspace is for staff");
  }

  async function renaming<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (isUniqueViolation(e)) throw duplicateName();
      throw e;
    }
  }

  return {
    /** The actor's queues (built-in ones, then saved views) with how many tickets each holds, in one query. */
    async queues(actor: Actor) {
      assertWorkspaceUser(actor);
      const builtins =
        isSiteStaff(actor) || actor.hubAdmin ? (Object.keys(BUILTINS) as BuiltinQueue[]) : ENGINEER_QUEUES;
      const views = (await repo.list(actor.userId)).map(viewOf);
      const all = [
        ...builtins.map((b) => ({ id: b, builtin: b, name: null, viewId: null, filters: BUILTINS[b] })),
        ...views.map((v) => ({
          id: `view-${v.id}`,
          builtin: null,
          name: v.name,
          viewId: v.id,
          filters: v.filters,
        })),
      ];
      const counts = await tickets.countQueues(
        actor,
        all.map((q) => toQueueFilter(q.filters)),
      );
      return all.map((q, i) => ({ ...q, count: counts[i] ?? 0 }));
    },

    async listViews(actor: Actor): Promise<SavedViewView[]> {
      assertWorkspaceUser(actor);
      return (await repo.list(actor.userId)).map(viewOf);
    },

    async createView(actor: Actor, input: { name: string; filters: QueueFilters }): Promise<SavedViewView> {
      assertWorkspaceUser(actor);
      const count = await repo.count(actor.userId);
      if (count >= MAX_VIEWS)
        throw invalid("view.too_many", `Keep at most ${MAX_VIEWS} saved views`, [
          { field: "name", message: "too many views" },
        ]);
      const now = clock.now();
      return viewOf(
        await renaming(() =>
          repo.insert({
            user_id: actor.userId,
            name: input.name,
            filters: JSON.stringify(input.filters),
            position: count,
            created_at: now,
            updated_at: now,
          }),
        ),
      );
    },

    async updateView(
      actor: Actor,
      id: number,
      patch: { name?: string | undefined; filters?: QueueFilters | undefined },
    ): Promise<SavedViewView> {
      assertWorkspaceUser(actor);
      const row = await renaming(() =>
        repo.update(actor.userId, id, {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.filters !== undefined ? { filters: JSON.stringify(patch.filters) } : {}),
          updated_at: clock.now(),
        }),
      );
      if (!row) throw viewNotFound();
      return viewOf(row);
    },

    async deleteView(actor: Actor, id: number): Promise<void> {
      assertWorkspaceUser(actor);
      if (!(await repo.remove(actor.userId, id))) throw viewNotFound();
    },
  };
}
export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
