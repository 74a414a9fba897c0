import type { Db } from "../db/database.js";

/** What a job handler gets besides its payload. Handlers must be idempotent: a job can run twice. */
export type JobMeta = { id: string; attempt: number };
export type JobHandler = (payload: Record<string, unknown>, meta: JobMeta) => Promise<void>;

export type JobDefinition = {
  name: string;
  handler: JobHandler;
  /** runs after the first attempt; default 5 */
  retryLimit?: number;
  /** the first retry waits this long and each next one twice as long; default 10 */
  retryDelaySeconds?: number;
  /** a run not finished by then is taken to have crashed and runs again; default 300 */
  leaseSeconds?: number;
};

export type DeadJob = {
  id: string;
  name: string;
  payload: Record<string, unknown>;
  attempts: number;
  lastError: string | null;
  failedAt: string;
};

/**
 * Durable background work. A job is recorded with `enqueue` in the caller's transaction, so it exists
 * exactly when the change that caused it commits; a worker then runs it, retrying with backoff, and
 * parks it on the dead-letter list when retries are spent.
 */
export interface Jobs {
  readonly backend: "embedded" | "pg-boss";
  register(def: JobDefinition): void;
  enqueue(
    exec: Db,
    name: string,
    payload: Record<string, unknown>,
    options?: { runAt?: number; singletonKey?: string },
  ): Promise<void>;
  /** Prepares queues; needed before enqueue on pg-boss. */
  init(): Promise<void>;
  /** Starts working the registered queues in this process. */
  startWorking(): Promise<void>;
  stop(): Promise<void>;
  deadLetters(limit: number): Promise<DeadJob[]>;
  retryDead(id: string): Promise<boolean>;
}

export const retryDelayMs = (def: Pick<JobDefinition, "retryDelaySeconds">, attempt: number): number =>
  (def.retryDelaySeconds ?? 10) * 1000 * 2 ** Math.max(0, attempt - 1);
