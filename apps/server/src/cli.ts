#!/usr/bin/env node
import { Command, InvalidArgumentError } from "commander";
import { createContext } from "./app/context.js";
import { seedBench } from "./bench/bench.seed.js";
import { ConfigError, loadConfig, prepareDataDir } from "./config/config.js";
import { openMigrated, serve, work } from "./main.js";
import { tokenInput } from "./modules/auth/auth.schemas.js";
import { loadDemoKnowledge } from "./modules/demo/demo.kb.js";
import { loadDemo } from "./modules/demo/demo.seed.js";
import { importDocs } from "./modules/kb/kb.import.js";
import { siteInput } from "./modules/sites/sites.schemas.js";
import { userInput } from "./modules/users/users.schemas.js";
import { type Scope, systemActor } from "./shared/actor.js";
import { AppError } from "./shared/errors.js";

const list = (v: string) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const collect = (v: string, prev: string[]) => [...prev, v];
const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("must be a positive whole number");
  return n;
};

/** Runs a task against the migrated database with the services wired, and closes it after. */
async function withContext<T>(task: (ctx: ReturnType<typeof createContext>) => Promise<T>): Promise<T> {
  const config = prepareDataDir(loadConfig());
  const database = await openMigrated(config);
  try {
    return await task(createContext(config, database));
  } finally {
    await database.close();
  }
}

const program = new Command()
  .name("tierdesk")
  .description("Tierdesk: the tiered support hub. Settings come from environment variables (see the README).")
  .showHelpAfterError();

program
  .command("serve")
  .description("start the HTTP server (migrates the database first)")
  .option("--demo", "load the demo data the first time and print the demo logins")
  .option(
    "--no-worker",
    "do not run background jobs and SLA sweeps here (run `tierdesk worker` processes instead)",
  )
  .action(async (opts: { demo?: boolean; worker: boolean }) => {
    await serve(loadConfig(), { demo: !!opts.demo, worker: opts.worker });
  });

program
  .command("worker")
  .description("run background jobs and SLA sweeps only (several may run, on other machines with PostgreSQL)")
  .action(async () => {
    await work(loadConfig());
  });

program
  .command("migrate")
  .description("bring the database schema up to date")
  .action(async () => {
    const config = prepareDataDir(loadConfig());
    const database = await openMigrated(config);
    await database.close();
    console.log(`Database (${database.dialect}) is up to date.`);
  });

program
  .command("demo")
  .description("load the demo sites, accounts and tickets (once)")
  .action(async () => {
    const config = prepareDataDir(loadConfig());
    const database = await openMigrated(config);
    try {
      const { loaded } = await loadDemo(config, database);
      const guides = loaded ? await loadDemoKnowledge(createContext(config, database)) : 0;
      console.log(
        loaded
          ? `Loaded the demo data and ${guides} knowledge-base guides.`
          : "The demo data is already there.",
      );
    } finally {
      await database.close();
    }
  });

const site = program.command("site").description("manage sites");
site
  .command("add")
  .description("add a site")
  .requiredOption("--code <code>", "short code used in ticket keys, e.g. ZMB")
  .requiredOption("--name <name>", "display name")
  .requiredOption("--country <country>", "country")
  .requiredOption("--product <product>", "the digital public good run there, e.g. OpenCRVS")
  .requiredOption("--time-zone <tz>", "IANA time zone, e.g. Africa/Lusaka")
  .option("--product-version <version>", "the version the site runs")
  .option("--languages <list>", "comma-separated language tags", list, ["en"])
  .action(
    async (o: {
      code: string;
      name: string;
      country: string;
      product: string;
      timeZone: string;
      productVersion?: string;
      languages: string[];
    }) => {
      const input = siteInput.parse({ ...o });
      const created = await withContext((ctx) => ctx.sites.create(systemActor, input));
      console.log(`Added site ${created.code} (${created.name}).`);
    },
  );

const user = program.command("user").description("manage users");
user
  .command("add")
  .description("add a user")
  .requiredOption("--email <email>", "sign-in email")
  .requiredOption("--name <name>", "full name")
  .option("--password <password>", "initial password (omit to send a reset link later)")
  .option("--hub-admin", "make the user a hub admin")
  .option("--membership <site:role>", "a role at a site, e.g. ZMB:site_admin (repeatable)", collect, [])
  .option("--vendor-team <slug>", "vendor team (engineers; repeatable)", collect, [])
  .action(
    async (o: {
      email: string;
      name: string;
      password?: string;
      hubAdmin?: boolean;
      membership: string[];
      vendorTeam: string[];
    }) => {
      const input = userInput.parse({
        email: o.email,
        name: o.name,
        password: o.password,
        hubAdmin: !!o.hubAdmin,
        memberships: o.membership.map((m) => {
          const [s, role] = m.split(":");
          return { site: s, role };
        }),
        vendorTeams: o.vendorTeam,
      });
      const created = await withContext((ctx) => ctx.users.create(systemActor, input));
      console.log(`Added user ${created.email} (id ${created.id}).`);
    },
  );

const token = program.command("token").description("manage API tokens");
token
  .command("create")
  .description("create an API token for a user; prints the secret once")
  .requiredOption("--email <email>", "the user the token acts as")
  .requiredOption("--name <name>", "what the token is for")
  .requiredOption("--scopes <list>", "comma-separated scopes, e.g. tickets:read,tickets:write", list)
  .option("--expires-in-days <days>", "expiry", positiveInt)
  .action(async (o: { email: string; name: string; scopes: string[]; expiresInDays?: number }) => {
    const input = tokenInput.parse({ name: o.name, scopes: o.scopes, expiresInDays: o.expiresInDays });
    const created = await withContext(async (ctx) => {
      const u = await ctx.users.findByEmail(o.email);
      if (!u) throw new AppError(404, "user.not_found", `No user ${o.email}`);
      return ctx.auth.createToken(u.id, { ...input, scopes: input.scopes as Scope[] });
    });
    console.log(created.token);
  });

const bench = program.command("bench").description("benchmark tools");
bench
  .command("seed")
  .description("fill the database with scale data: 30 sites, 5,000 users and N tickets over three years")
  .requiredOption("--tickets <n>", "how many tickets", positiveInt)
  .option("--seed <n>", "random seed (same seed, same data)", positiveInt, 1)
  .action(async (o: { tickets: number; seed: number }) => {
    const config = prepareDataDir(loadConfig());
    const database = await openMigrated(config);
    try {
      const tty = process.stderr.isTTY;
      let shown = -1;
      const result = await seedBench(database, {
        tickets: o.tickets,
        seed: o.seed,
        onStage: (what) => process.stderr.write(`${what}\n`),
        onProgress: (p) => {
          const pct = Math.floor((100 * p.done) / p.total);
          if (!tty && pct < shown + 10 && p.done < p.total) return;
          shown = pct;
          const rate = Math.round(p.done / Math.max(0.001, p.elapsedMs / 1000));
          const eta = Math.round((p.total - p.done) / Math.max(1, rate));
          process.stderr.write(
            `${tty ? "\r" : ""}tickets ${p.done}/${p.total} (${pct}%), ${p.rows} rows, ${rate} tickets/s, about ${eta} s left${tty ? "  " : "\n"}`,
          );
        },
      });
      if (tty) process.stderr.write("\n");
      console.log(JSON.stringify(result));
    } finally {
      await database.close();
    }
  });

const kb = program.command("kb").description("knowledge base");
kb.command("import")
  .description(
    "import a documentation folder (GitBook tree, GitBook versions, or plain .md files); safe to repeat",
  )
  .argument("<folder>", "the folder to read")
  .option("--collection <name>", "the collection to import into (default: the folder's name)")
  .option("--version <version>", "the product version the pages apply to (default: from version folders)")
  .action(async (folder: string, o: { collection?: string; version?: string }) => {
    const tty = process.stderr.isTTY;
    const summary = await withContext((ctx) =>
      importDocs(ctx.kb, systemActor, folder, {
        ...o,
        onProgress: (done, total) => {
          if (!tty) return;
          const filled = Math.round((30 * done) / Math.max(1, total));
          process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(30 - filled)}] ${done}/${total} pages`);
          if (done === total) process.stderr.write("\n");
        },
      }),
    );
    for (const f of summary.failed) console.error(`error: ${f.file} ${f.error}`);
    console.log(
      `Collection ${summary.collection}: ${summary.pages} pages read, ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.failed.length} failed, ${summary.skipped.length} skipped, ${summary.unresolvedLinks} links to pages not imported.`,
    );
    if (summary.failed.length) process.exitCode = 1;
  });

program.parseAsync().catch((e: unknown) => {
  if (e instanceof ConfigError) console.error(e.message);
  else if (e instanceof AppError)
    console.error(
      `${e.code}: ${e.message}${e.fields?.length ? ` (${e.fields.map((f) => `${f.field}: ${f.message}`).join("; ")})` : ""}`,
    );
  else if (e && typeof e === "object" && "issues" in e) {
    const issues = (e as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues;
    console.error(
      `Invalid input: ${issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; ")}`,
    );
  } else console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
