import { CompiledQuery } from "kysely";
import { PgBoss } from "pg-boss";
import type { Db } from "../db/database.js";
import type { DeadJob, JobDefinition, Jobs } from "./jobs.js";

type Logger = { error: (obj: object, msg: string) => void };

/** Lets pg-boss run its statements on one of our Kysely connections, inside our transaction. */
const asPgBossDb = (exec: Db) => ({
  async executeSql(text: string, values?: unknown[]) {
    const result = await exec.executeQuery(CompiledQuery.raw(text, values ?? []));
    return { rows: result.rows as unknown[] };
  },
});

/**
 * Jobs on PostgreSQL through pg-boss, so workers can run as separate processes (`tierdesk worker`)
 * on other machines. Jobs are sent on the caller's transaction; retries back off exponentially and
 * spent jobs stay in pg-boss as failed, which is our dead-letter list.
 */
export function createPgBossJobs({
  url,
  schema,
  log,
  pollSeconds = 1,
}: {
  url: string;
  schema: string;
  log: Logger;
  pollSeconds?: number;
}): Jobs {
  const defs = new Map<string, JobDefinition>();
  const boss = new PgBoss({
    connectionString: url,
    schema,
    max: 4,
    superviseIntervalSeconds: 5,
    monitorIntervalSeconds: 5,
  });
  boss.on("error", (e: unknown) => log.error({ err: e }, "pg-boss error"));
  let started: Promise<unknown> | undefined;
  let initialized: Promise<void> | undefined;

  const start = () => {
    started ??= boss.start();
    return started;
  };
  const queueOptions = (def: JobDefinition) => ({
    retryLimit: def.retryLimit ?? 5,
    retryDelay: def.retryDelaySeconds ?? 10,
    retryBackoff: true,
    expireInSeconds: def.leaseSeconds ?? 300,
  });

  return {
    backend: "pg-boss",
    register(def) {
      defs.set(def.name, def);
    },
    init() {
      initialized ??= (async () => {
        await start();
        for (const def of defs.values()) {
          if (!(await boss.getQueue(def.name))) await boss.createQueue(def.name, queueOptions(def));
          else await boss.updateQueue(def.name, queueOptions(def));
        }
      })();
      return initialized;
    },
    async enqueue(exec, name, payload, options = {}) {
      await this.init();
      await boss.send(name, payload, {
        db: asPgBossDb(exec),
        ...(options.runAt ? { startAfter: new Date(options.runAt) } : {}),
        ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      });
    },
    async startWorking() {
      await this.init();
      for (const def of defs.values()) {
        // Up to ten jobs a fetch, each settled on its own, so a backlog drains without waiting for a poll per job.
        await boss.work<Record<string, unknown>>(
          def.name,
          { pollingIntervalSeconds: pollSeconds, batchSize: 10, perJobResults: true },
          async (batch) => {
            const results = [];
            for (const job of batch) {
              try {
                await def.handler(job.data, { id: job.id, attempt: job.retryCount + 1 });
                results.push({ id: job.id, status: "completed" as const });
              } catch (e) {
                log.error({ err: e, job: def.name, id: job.id }, "job failed");
                const message = e instanceof Error ? e.message : String(e);
                results.push({
                  id: job.id,
                  status: "failed" as const,
                  output: { error: message.slice(0, 4000) },
                });
              }
            }
            return results;
          },
        );
      }
    },
    async stop() {
      if (started) await boss.stop({ graceful: true, timeout: 10_000 });
      started = undefined;
      initialized = undefined;
    },
    async deadLetters(limit): Promise<DeadJob[]> {
      await start();
      const out: DeadJob[] = [];
      for (const name of defs.keys()) {
        const jobs = await boss.findJobs<Record<string, unknown>>(name, {});
        for (const j of jobs) {
          if (j.state !== "failed") continue;
          out.push({
            id: `${name}:${j.id}`,
            name,
            payload: j.data,
            attempts: j.retryCount + 1,
            lastError: j.output ? JSON.stringify(j.output).slice(0, 4000) : null,
            failedAt: (j.completedOn ?? j.startedOn ?? j.createdOn).toISOString(),
          });
        }
      }
      return out.sort((a, b) => b.failedAt.localeCompare(a.failedAt)).slice(0, limit);
    },
    async retryDead(id) {
      const [name, jobId] = [id.slice(0, id.lastIndexOf(":")), id.slice(id.lastIndexOf(":") + 1)];
      if (!defs.has(name) || !jobId) return false;
      await start();
      const job = await boss.getJobById(name, jobId);
      if (job?.state !== "failed") return false;
      await boss.retry(name, jobId);
      return true;
    },
  };
}
