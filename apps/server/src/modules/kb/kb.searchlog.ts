import type { Insertable } from "kysely";
import type { KbSearchesTable } from "../../db/schema.js";
import type { KbRepository } from "./kb.repository.js";

/** How long a search record may wait to be written with others (PostgreSQL). */
const FLUSH_MS = 25;
/** Search ids taken from the sequence at a time. */
const ID_BLOCK = 64;
/** Records kept for another try when the database refuses a batch; beyond this the oldest are dropped. */
const MAX_PENDING = 10_000;

/**
 * The record of every search (for the unanswered-questions report, clicks and learning). On
 * PostgreSQL a search takes its id from a block reserved ahead and its record is written with others
 * a few milliseconds later, in one statement, so that a reader does not wait for a commit to reach
 * the disk on every search; `flush` writes what waits (readers of the records call it first). SQLite
 * writes in the process itself and gains nothing from this: there the record is written at once.
 * A crash loses at most the last FLUSH_MS of records; they are statistics, not the answer.
 */
export function createSearchLog(repo: KbRepository) {
  let ids: number[] = [];
  let reserving: Promise<void> | null = null;
  let pending: Insertable<KbSearchesTable>[] = [];
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  let dropped = 0;

  async function nextId(): Promise<number> {
    while (ids.length === 0) {
      reserving ??= repo
        .reserveSearchIds(ID_BLOCK)
        .then((more) => {
          ids = ids.concat(more);
        })
        .finally(() => {
          reserving = null;
        });
      await reserving;
    }
    return ids.shift() as number;
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const rows = pending;
    pending = [];
    flushing = flushing.then(async () => {
      if (rows.length === 0) return;
      try {
        await repo.insertSearches(rows);
      } catch {
        // kept for the batch of the next search; the oldest give way if the database stays unwritable
        pending = rows.concat(pending);
        if (pending.length > MAX_PENDING) {
          dropped += pending.length - MAX_PENDING;
          pending = pending.slice(-MAX_PENDING);
        }
      }
    });
    return flushing;
  }

  function schedule() {
    timer ??= setTimeout(() => void flush(), FLUSH_MS);
    timer.unref();
  }

  return {
    /** Records a search; answers its id. */
    async record(row: Omit<Insertable<KbSearchesTable>, "id">): Promise<number> {
      if (!repo.batchesSearches) return (await repo.insertSearch(row)).id;
      const id = await nextId();
      pending.push({ ...row, id });
      schedule();
      return id;
    },
    /** Writes the records still waiting (before reading them back). */
    flush: () => flush(),
    /** How many records were given up because the database refused them for too long. */
    get dropped() {
      return dropped;
    },
  };
}
export type SearchLog = ReturnType<typeof createSearchLog>;
