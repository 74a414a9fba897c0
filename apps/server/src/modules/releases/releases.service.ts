import type { Db } from "../../db/database.js";
import { isUniqueViolation } from "../../db/database.js";
import type { Actor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso, toIsoOrNull } from "../../shared/clock.js";
import { allowedActions } from "../../shared/policy.js";
import {
  releaseAlreadyShipped,
  releaseCancelled,
  releaseDuplicate,
  releaseForbidden,
  releaseNotFound,
} from "./releases.errors.js";
import { canPlanReleases, releasePolicy } from "./releases.policy.js";
import { createReleasesRepository, type ReleaseRow } from "./releases.repository.js";
import type {
  ReleaseCreate,
  ReleaseListQuery,
  ReleaseStatus,
  ReleaseUpdate,
  ReleaseView,
} from "./releases.schemas.js";

export type { ReleaseRow } from "./releases.repository.js";

/** Runs inside the transaction that ships or cancels a release, with the release as written. */
export type ReleaseObserver = (tx: Db, release: ReleaseRow, now: number) => Promise<void>;

/** Product releases: planned, then shipped or cancelled; observers act on the tickets deferred to them. */
export function createReleasesService({ db, clock }: { db: Db; clock: Clock }) {
  const repo = createReleasesRepository(db);
  const observers: ReleaseObserver[] = [];

  const view = (actor: Actor, r: ReleaseRow): ReleaseView => ({
    id: r.id,
    product: r.product,
    version: r.version,
    plannedDate: r.planned_date,
    status: r.status as ReleaseStatus,
    notes: r.notes,
    shippedAt: toIsoOrNull(r.shipped_at),
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
    actions: allowedActions(releasePolicy, actor, r),
  });

  async function readable(actor: Actor, id: number): Promise<ReleaseRow> {
    if (!releasePolicy.read(actor, { status: "planned" })) throw releaseForbidden();
    const r = await repo.find(id);
    if (!r) throw releaseNotFound();
    return r;
  }

  /** The conflict to report when a release is no longer planned. */
  const notPlanned = (status: string) =>
    status === "shipped" ? releaseAlreadyShipped() : releaseCancelled();

  /** Moves a planned release to shipped or cancelled and lets the observers act in the same transaction. */
  async function settle(id: number, set: Partial<ReleaseRow>): Promise<void> {
    await db.transaction().execute(async (tx) => {
      const now = clock.now();
      if (!(await repo.updateIn(tx, id, ["planned"], { ...set, updated_at: now }))) {
        const current = await repo.find(id, tx);
        throw current ? notPlanned(current.status) : releaseNotFound();
      }
      const after = (await repo.find(id, tx)) as ReleaseRow;
      for (const observe of observers) await observe(tx, after, now);
    });
  }

  return {
    async list(actor: Actor, q: ReleaseListQuery): Promise<ReleaseView[]> {
      if (!releasePolicy.read(actor, { status: "planned" })) throw releaseForbidden();
      return (await repo.list(q)).map((r) => view(actor, r));
    },

    get: async (actor: Actor, id: number): Promise<ReleaseView> => view(actor, await readable(actor, id)),

    async create(actor: Actor, input: ReleaseCreate): Promise<ReleaseView> {
      if (!canPlanReleases(actor)) throw releaseForbidden();
      const now = clock.now();
      try {
        const row = await repo.insert(db, {
          product: input.product,
          version: input.version,
          planned_date: input.plannedDate ?? null,
          status: "planned",
          notes: input.notes ?? null,
          shipped_at: null,
          created_at: now,
          updated_at: now,
        });
        return view(actor, row);
      } catch (e) {
        if (isUniqueViolation(e)) throw releaseDuplicate(input.product, input.version);
        throw e;
      }
    },

    /**
     * Changes the planned date or notes, or cancels a planned release. A shipped release keeps its
     * date (only its notes change); a cancelled one is final.
     */
    async update(actor: Actor, id: number, patch: ReleaseUpdate): Promise<ReleaseView> {
      if (!canPlanReleases(actor)) throw releaseForbidden();
      const r = await readable(actor, id);
      if (r.status === "cancelled") throw releaseCancelled();
      if (r.status === "shipped" && (patch.status || patch.plannedDate !== undefined))
        throw releaseAlreadyShipped();
      const set: Partial<ReleaseRow> = {};
      if (patch.plannedDate !== undefined) set.planned_date = patch.plannedDate;
      if (patch.notes !== undefined) set.notes = patch.notes;
      if (patch.status === "cancelled") await settle(id, { ...set, status: "cancelled" });
      else if (Object.keys(set).length) {
        const changed = await repo.updateIn(db, id, [r.status], { ...set, updated_at: clock.now() });
        if (!changed) throw notPlanned((await repo.find(id))?.status ?? "cancelled");
      }
      return view(actor, (await repo.find(id)) as ReleaseRow);
    },

    /** Marks a planned release shipped; the observers move the tickets deferred to it on. */
    async ship(actor: Actor, id: number): Promise<ReleaseView> {
      if (!canPlanReleases(actor)) throw releaseForbidden();
      const r = await readable(actor, id);
      if (r.status !== "planned") throw notPlanned(r.status);
      await settle(id, { status: "shipped", shipped_at: clock.now() });
      return view(actor, (await repo.find(id)) as ReleaseRow);
    },

    /** The release row, for other modules' checks; no permission check. */
    find: (id: number, exec?: Db): Promise<ReleaseRow | undefined> => repo.find(id, exec),

    /**
     * Holds a planned release until the caller's transaction ends, so it cannot ship or be cancelled
     * meanwhile; false when it is not planned (any more).
     */
    holdPlanned: (tx: Db, id: number): Promise<boolean> =>
      repo.updateIn(tx, id, ["planned"], { status: "planned" }),

    /** Registers an observer of releases shipping or being cancelled (wired once at start-up). */
    onSettle(observer: ReleaseObserver): void {
      observers.push(observer);
    },
  };
}
export type ReleasesService = ReturnType<typeof createReleasesService>;
