import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { systemActor } from "../src/shared/actor.js";
import { registerOnceJob } from "./fixtures/once-job.js";
import { createHarness, dialect, type Harness } from "./harness.js";

let h: Harness;
let userId: number;
let completedRuns = 0;

beforeAll(async () => {
  h = await createHarness({ demo: false });
  const u = await h.ctx.users.create(systemActor, {
    email: "worker@test.example",
    name: "Worker",
    language: "en",
    hubAdmin: false,
    memberships: [],
    vendorTeams: [],
  });
  userId = u.id;
  registerOnceJob(h.ctx, async () => {
    completedRuns++;
  });
  await h.ctx.jobs.init();
});
afterAll(async () => h?.close());

/** Starts the crash-test worker in its own process on the same database. */
function startCrashWorker() {
  const db = h.ctx.database;
  const env: NodeJS.ProcessEnv = { ...process.env, CRASH_DATA_DIR: h.config.dataDir };
  if (db.pg) Object.assign(env, { CRASH_PG_URL: db.pg.url, CRASH_PG_SCHEMA: db.pg.schema });
  else env.CRASH_SQLITE_FILE = (h.config.database as { file: string }).file;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "fixtures/crash-worker.ts")],
    {
      env,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const effectDone = new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("EFFECT_DONE")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`worker exited early (${code})`)));
  });
  return { child, effectDone };
}

it(`a worker killed in the middle of a job leaves it to run again, and its effect happens once (${dialect})`, async () => {
  const key = `once-${Date.now()}`;
  await h.ctx.jobs.enqueue(h.ctx.database.db, "test.once", { userId, key });
  const { child, effectDone } = startCrashWorker();
  await effectDone;
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  const effects = () =>
    h.ctx.database.db.selectFrom("notifications").select("id").where("dedupe_key", "=", key).execute();
  expect(await effects()).toHaveLength(1);
  expect(completedRuns).toBe(0);

  // Another worker takes the job over once the dead worker's lease runs out.
  await h.ctx.jobs.startWorking();
  const deadline = Date.now() + 60_000;
  while (completedRuns === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(completedRuns).toBe(1);
  expect(await effects()).toHaveLength(1);
  await h.ctx.jobs.stop();
}, 90_000);
