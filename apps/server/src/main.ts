import { buildApp } from "./app/app.js";
import { startBackground } from "./app/background.js";
import { createContext } from "./app/context.js";
import { type Config, prepareDataDir } from "./config/config.js";
import { type DatabaseHandle, openDatabase } from "./db/database.js";
import { migrateToLatest } from "./db/migrate.js";
import { DEMO_PASSWORD, DEMO_USERS } from "./modules/demo/demo.data.js";
import { loadDemoKnowledge } from "./modules/demo/demo.kb.js";
import { loadDemo } from "./modules/demo/demo.seed.js";

/** Opens and migrates the configured database. */
export async function openMigrated(config: Config): Promise<DatabaseHandle> {
  const database = openDatabase(config.database);
  try {
    await migrateToLatest(database.db, database.dialect);
  } catch (e) {
    await database.close();
    throw e;
  }
  return database;
}

/** Starts the HTTP server; with `demo`, loads the demo data the first time and prints the logins. */
export async function serve(rawConfig: Config, options: { demo: boolean; worker: boolean }) {
  const config = prepareDataDir(rawConfig);
  const database = await openMigrated(config);
  const ctx = createContext(config, database);
  if (options.demo && (await loadDemo(config, database)).loaded) {
    const guides = await loadDemoKnowledge(ctx);
    console.log(`Loaded the demo data and ${guides} knowledge-base guides.`);
  }
  const app = await buildApp(ctx);
  await ctx.jobs.init();
  const background = options.worker ? await startBackground(ctx) : undefined;
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, "shutting down");
    await app.close();
    await background?.stop();
    await database.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  await app.listen({ port: config.port, host: config.host });
  // the knowledge-base search index is built now, in the background, not on the first reader's search
  void ctx.kb.warmSearch().catch((e) => app.log.error({ err: e }, "knowledge-base index build failed"));
  if (options.demo) {
    console.log(`\nTierdesk is running at ${config.publicUrl} (API docs: ${config.publicUrl}/api/docs)`);
    console.log(`Demo accounts, all with password ${DEMO_PASSWORD}:`);
    for (const u of DEMO_USERS) {
      const roles = u.hubAdmin
        ? "hub_admin"
        : u.vendorTeams?.length
          ? `engineer (${u.vendorTeams.join(", ")})`
          : [...new Set(u.memberships.map((m) => m.role))].join(", ");
      const where = [...new Set(u.memberships.map((m) => m.site))].join(", ");
      console.log(`  ${u.email.padEnd(26)} ${roles}${where ? ` of ${where}` : ""}`);
    }
  }
  return app;
}

/** Runs only the background work (jobs and SLA sweeps), e.g. as extra processes beside the web server. */
export async function work(rawConfig: Config) {
  const config = prepareDataDir(rawConfig);
  const database = await openMigrated(config);
  const ctx = createContext(config, database);
  const background = await startBackground(ctx);
  ctx.log.info({ backend: ctx.jobs.backend }, "worker started");
  const shutdown = async () => {
    await background.stop();
    await database.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown());
  process.once("SIGTERM", () => void shutdown());
}
