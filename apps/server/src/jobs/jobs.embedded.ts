import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Db } from "../db/database.js";
import type { Clock } from "../shared/clock.js";
import { toIso } from "../shared/clock.js";
import { type DeadJob, type JobDefinition, type Jobs, retryDelayMs } from "./jobs.js";

type Logger = { error: (obj: object, msg: string) => void };

/**
 * The job runner for the embedded database: a `jobs` table polled by each worker process. A job is
 * claimed with one atomic UPDATE that also sets a lease; a worker that dies mid-job lets the lease run
 * out and any worker claims the job again.
 */
export function createEmbeddedJobs({
  db,
  clock,
  log,
  pollMs = 250,
}: {
  db: Db;
  clock: Clock;
  log: Logger;
  pollMs?: number;
}): Jobs {
  const defs = new Map<string, JobDefinition>();
  const workerId = randomUUID();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  async function claim() {
    const now = clock.now();
    const names = [...defs.keys()];
    if (!names.length) return undefined;
    const result = await sql<{
      id: number;
      name: string;
      payload: string;
      attempts: number;
    }>`update jobs set state = 'running', attempts = attempts + 1, locked_by = ${workerId}, updated_at = ${now},
         locked_until = ${now} + 1000 * (case name ${sql.join(
           names.map((n) => sql`when ${n} then ${defs.get(n)?.leaseSeconds ?? 300}`),
           sql` `,
         )} else 300 end)
       where id = (select id from jobs
                   where name in (${sql.join(names)})
                     and ((state = 'queued' and run_at <= ${now}) or (state = 'running' and locked_until < ${now}))
                   order by run_at, id limit 1)
       returning id, name, payload, attempts`.execute(db);
    return result.rows[0];
  }

  async function runOne(): Promise<boolean> {
    const job = await claim();
    if (!job) return false;
    const def = defs.get(job.name) as JobDefinition;
    try {
      await def.handler(JSON.parse(job.payload) as Record<string, unknown>, {
        id: String(job.id),
        attempt: job.attempts,
      });
      await db
        .updateTable("jobs")
        .set({ state: "done", locked_until: null, updated_at: clock.now() })
        .where("id", "=", job.id)
        .execute();
    } catch (e) {
      const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
      log.error({ err: e, job: job.name, id: job.id, attempt: job.attempts }, "job failed");
      const dead = job.attempts > (def.retryLimit ?? 5);
      await db
        .updateTable("jobs")
        .set({
          state: dead ? "dead" : "queued",
          run_at: clock.now() + retryDelayMs(def, job.attempts),
          locked_until: null,
          last_error: message.slice(0, 4000),
          updated_at: clock.now(),
        })
        .where("id", "=", job.id)
        .execute();
    }
    return true;
  }

  async function drain() {
    // Work through what is due, then sleep until the next poll.
    while (!stopped && (await runOne())) {}
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = drain()
        .catch((e) => log.error({ err: e }, "job runner poll failed"))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, pollMs);
  }

  return {
    backend: "embedded",
    register(def) {
      defs.set(def.name, def);
    },
    async enqueue(exec, name, payload, options = {}) {
      const now = clock.now();
      await exec
        .insertInto("jobs")
        .values({
          name,
          payload: JSON.stringify(payload),
          singleton_key: options.singletonKey ?? null,
          state: "queued",
          run_at: options.runAt ?? now,
          attempts: 0,
          max_attempts: (defs.get(name)?.retryLimit ?? 5) + 1,
          locked_until: null,
          locked_by: null,
          last_error: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },
    async init() {},
    async startWorking() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    async deadLetters(limit): Promise<DeadJob[]> {
      const rows = await db
        .selectFrom("jobs")
        .selectAll()
        .where("state", "=", "dead")
        .orderBy("updated_at", "desc")
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: String(r.id),
        name: r.name,
        payload: JSON.parse(r.payload) as Record<string, unknown>,
        attempts: r.attempts,
        lastError: r.last_error,
        failedAt: toIso(r.updated_at),
      }));
    },
    async retryDead(id) {
      const res = await db
        .updateTable("jobs")
        .set({ state: "queued", attempts: 0, run_at: clock.now(), updated_at: clock.now() })
        .where("id", "=", Number(id))
        .where("state", "=", "dead")
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
  };
}
