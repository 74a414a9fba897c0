/**
 * `npm run bench [-- --tickets N] [--db sqlite,postgres] [--seconds S] [--seed S]`
 * (`--kb-only` or `--channels-only` for one group of scenarios; see bench/README.md)
 *
 * For each database: a fresh database (SQLite in a temp folder; PostgreSQL in a schema of its own at
 * BENCH_DATABASE_URL, TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test), seeded with
 * `tierdesk bench seed`; the real server started as its own process on 127.0.0.1; the bare Fastify
 * reference beside it; the load from a third process (bench/load.ts); then the in-process scenarios
 * (bench/tasks.ts), the knowledge-base scenarios (bench/kb.ts) and the channel scenarios
 * (bench/channels.ts). Prints a table and writes bench/results/<time>.json.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { Scenario } from "./load.js";
import type { Measured } from "./stats.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const server = path.join(root, "apps/server");
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
};
const TICKETS = Number(arg("tickets", "20000"));
const SEED = Number(arg("seed", "1"));
const SECONDS = Number(arg("seconds", "5"));
const DBS = arg("db", "sqlite,postgres").split(",");
/** Only the knowledge-base scenarios (after a seed of the sites and users): `--kb-only`. */
const KB_ONLY = process.argv.includes("--kb-only");
const KB_ARTICLES = arg("kb-articles", "10000");
/** Only the channel scenarios (inbound email, WhatsApp webhook; bench/channels.ts): `--channels-only`. */
const CHANNELS_ONLY = process.argv.includes("--channels-only");
/** At most this many mails per inbound-email run, and at most this many seconds (`--email-messages`, `--email-seconds`). */
const EMAIL_MESSAGES = arg("email-messages", "2000");
const EMAIL_SECONDS = arg("email-seconds", "30");
/** Groups of scenarios to leave out of a full run (`--skip kb,channels`), e.g. for a 1,000,000-ticket run. */
const SKIP = new Set(arg("skip", "").split(",").filter(Boolean));
/** Node flags of the server process: as `npm start` and the README run it in production. */
const SERVE_FLAGS = ["--max-semi-space-size=16"];
const PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
const TSX = ["--import", "tsx"];

type Row = Measured & { db: string; ratioToHello?: number };
const rows: Row[] = [];
const notes: string[] = [];
const plans: Record<string, Record<string, string>> = {};

function log(msg: string) {
  process.stderr.write(`[bench] ${msg}\n`);
}

/** Runs a node script to completion and returns its stdout (bounded by `timeoutS`). */
function node(args: string[], env: NodeJS.ProcessEnv, timeoutS: number): string {
  return execFileSync(process.execPath, args, {
    cwd: root,
    env,
    timeout: timeoutS * 1000,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Like node(), without blocking this process (so that it can sample the server's memory meanwhile). */
function nodeAsync(args: string[], env: NodeJS.ProcessEnv, timeoutS: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: root, env, timeout: timeoutS * 1000, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

/** Starts a long-running process and resolves once `ready` says so (bounded by `timeoutS`). */
function startProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: (line: string) => boolean,
  timeoutS = 60,
) {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const started = performance.now();
  const promise = new Promise<{ child: ChildProcess; line: string; ms: number }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out starting ${args.join(" ")}: ${out}`)),
      timeoutS * 1000,
    );
    const onData = (d: Buffer) => {
      out += d.toString();
      for (const line of out.split("\n"))
        if (ready(line)) {
          clearTimeout(timer);
          child.stdout?.off("data", onData);
          resolve({ child, line, ms: performance.now() - started });
          return;
        }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.once("exit", (codeNo) => reject(new Error(`${args.join(" ")} exited with ${codeNo}: ${out}`)));
  });
  return promise;
}

async function waitHealthy(url: string, timeoutS: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutS * 1000) {
    try {
      if ((await fetch(url)).ok) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${url} did not answer within ${timeoutS} s`);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function stop(child: ChildProcess) {
  if (child.exitCode === null) child.kill("SIGTERM");
}

async function benchDatabase(db: string) {
  log(`--- ${db}: fresh database, ${TICKETS} tickets`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tierdesk-bench-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
    HOST: "127.0.0.1",
    SESSION_SECRET: "bench-session-secret-bench-session-secret",
  };
  delete env.DATABASE_URL;
  let schema = "";
  if (db === "postgres") {
    schema = `bench_${process.pid}`;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.query(`create schema ${schema}`);
    await c.end();
    const u = new URL(PG_URL);
    u.searchParams.set("options", `-c search_path=${schema}`);
    env.DATABASE_URL = u.toString();
  }
  // The sources via tsx by default, so that the server, the generator and bench/tasks.ts run the same
  // code; `--built` runs apps/server/dist instead (after npm run build) for production-like start-up.
  const built = process.argv.includes("--built") && existsSync(path.join(server, "dist/bench/bench.seed.js"));
  const cli = built ? [path.join(server, "dist/cli.js")] : [...TSX, path.join(server, "src/cli.ts")];
  notes.push(
    `${db}: server run from ${built ? "apps/server/dist (built)" : "the TypeScript sources via tsx"}`,
  );
  try {
    // Seed.
    const s0 = performance.now();
    const seeded = JSON.parse(
      node([...cli, "bench", "seed", "--tickets", String(TICKETS), "--seed", String(SEED)], env, 3600)
        .trim()
        .split("\n")
        .pop() as string,
    ) as { busiestSite: string; agentEmail: string; adminEmail: string; messages: number; events: number };
    const seedS = (performance.now() - s0) / 1000;
    rows.push({
      db,
      name: `seed ${TICKETS} tickets (per ticket)`,
      samples: TICKETS,
      failures: 0,
      seconds: seedS,
      perSecond: TICKETS / seedS,
      p50: (seedS * 1000) / TICKETS,
      p95: Number.NaN,
      p99: Number.NaN,
    });
    notes.push(
      `${db}: seeded ${TICKETS} tickets (${seeded.messages} messages, ${seeded.events} events) in ${seedS.toFixed(1)} s`,
    );
    const token = node(
      [
        ...cli,
        "token",
        "create",
        "--email",
        seeded.agentEmail,
        "--name",
        "bench",
        "--scopes",
        "tickets:read,tickets:write",
      ],
      env,
      60,
    ).trim();

    if (!KB_ONLY && !CHANNELS_ONLY) await ticketScenarios(db, env, dataDir, cli, token, seeded.busiestSite);
    // The knowledge-base scenarios, in a process of their own (bench/kb.ts).
    const kb =
      CHANNELS_ONLY || SKIP.has("kb")
        ? { measured: [], notes: [] }
        : (JSON.parse(
            node(
              [
                ...TSX,
                path.join(root, "bench/kb.ts"),
                "--articles",
                KB_ARTICLES,
                "--seconds",
                String(SECONDS),
              ],
              env,
              1800,
            )
              .trim()
              .split("\n")
              .pop() as string,
          ) as { measured: Measured[]; notes: string[] });
    for (const m of kb.measured) rows.push({ ...m, db });
    notes.push(...kb.notes.map((n) => `${db}: ${n}`));
    if (!KB_ONLY && !SKIP.has("channels")) await channelScenarios(db, env, cli, seeded.adminEmail);
  } finally {
    if (schema) {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The ticket scenarios: the server under HTTP load, then the in-process tasks (bench/tasks.ts). */
async function ticketScenarios(
  db: string,
  env: NodeJS.ProcessEnv,
  dataDir: string,
  cli: string[],
  token: string,
  site: string,
) {
  {
    // Start the server and the reference.
    const port = await freePort();
    const t0 = performance.now();
    const srv = spawn(process.execPath, [...SERVE_FLAGS, ...cli, "serve", "--no-worker"], {
      cwd: root,
      env: { ...env, PORT: String(port) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const base = `http://127.0.0.1:${port}`;
    let peak = 0;
    let sampler: NodeJS.Timeout | undefined;
    const hello = await startProcess([...TSX, path.join(root, "bench/hello.ts")], env, (l) =>
      l.startsWith("listening "),
    );
    try {
      await waitHealthy(`${base}/healthz`, 120);
      const startMs = performance.now() - t0;
      rows.push({
        db,
        name: "server start-up to first answer (ms)",
        samples: 1,
        failures: 0,
        seconds: startMs / 1000,
        perSecond: Number.NaN,
        p50: startMs,
        p95: Number.NaN,
        p99: Number.NaN,
      });
      await new Promise((r) => setTimeout(r, 1000));
      const idle = rssMb(srv.pid as number);
      sampler = setInterval(() => {
        try {
          peak = Math.max(peak, rssMb(srv.pid as number));
        } catch {
          // exited
        }
      }, 100);
      const helloBase = `http://127.0.0.1:${hello.line.split(" ")[1]}`;
      const auth = { authorization: `Bearer ${token}` };

      // Inputs: keys of the busiest site, a deep cursor of its queue.
      const maxNumber = await (async () => {
        const r = await fetch(`${base}/api/v1/tickets?site=${site}&limit=1&sort=-created`, { headers: auth });
        const body = (await r.json()) as { items: Array<{ key: string }> };
        return Number(body.items[0]?.key.split("-")[1] ?? 1);
      })();
      const keys = Array.from({ length: 500 }, (_, i) => `${site}-${1 + ((i * 7919) % maxNumber)}`);
      // The queue: open tickets of the site at level 1, most urgent SLA due first (the partial index
      // tickets_active_sla_idx of migration 0012), 25 a page; sort=-created and sort=priority beside it.
      const queue = `/api/v1/tickets?site=${site}&tier=1&status=new,open,pending-requester,pending-vendor&limit=25`;
      const slaQueue = `${queue}&sort=sla`;
      const createdQueue = `${queue}&sort=-created`;
      /** The page `depth + 1` of a queue (at most 41), following its nextCursor chain. */
      const deepPage = async (first: string) => {
        let cursor: string | null = null;
        let depth = 0;
        for (; depth < 40; depth++) {
          const r: Response = await fetch(
            `${base}${first}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
            {
              headers: auth,
            },
          );
          const next: string | null = ((await r.json()) as { nextCursor: string | null }).nextCursor;
          if (!next) break;
          cursor = next;
        }
        return { page: depth + 1, path: cursor ? `${first}&cursor=${encodeURIComponent(cursor)}` : first };
      };
      const slaDeep = await deepPage(slaQueue);
      const createdDeep = await deepPage(createdQueue);
      notes.push(
        `${db}: the deep queue page is page ${slaDeep.page} (sort=sla) and page ${createdDeep.page} (sort=-created) of site ${site}, tier 1, open statuses`,
      );
      const words = [
        "certificate",
        "slow",
        "login",
        "sincroniza",
        "duplicate",
        "erreur",
        "offline",
        "export",
      ];
      const common = { base, durationS: SECONDS, headers: auth };
      const scenarios: Scenario[] = [
        {
          ...common,
          name: "hello (bare Fastify)",
          kind: "cannon",
          base: helloBase,
          connections: 16,
          maxRequests: 500_000,
          paths: ["/hello"],
          headers: {},
        },
        {
          ...common,
          name: "GET ticket, 16 clients",
          kind: "cannon",
          connections: 16,
          maxRequests: 200_000,
          paths: keys.map((k) => `/api/v1/tickets/${k}`),
        },
        {
          ...common,
          name: "ticket page (ticket+messages+events)",
          kind: "page",
          connections: 1,
          maxRequests: 5000,
          groups: keys.map((k) => [
            `/api/v1/tickets/${k}`,
            `/api/v1/tickets/${k}/messages`,
            `/api/v1/tickets/${k}/events`,
          ]),
        },
        {
          ...common,
          name: "queue first page (sort=sla)",
          kind: "cannon",
          connections: 1,
          maxRequests: 5000,
          paths: [slaQueue],
        },
        {
          ...common,
          name: `queue deep page (sort=sla, page ${slaDeep.page})`,
          kind: "cannon",
          connections: 1,
          maxRequests: 5000,
          paths: [slaDeep.path],
        },
        {
          ...common,
          name: "queue first page (sort=-created)",
          kind: "cannon",
          connections: 1,
          maxRequests: 5000,
          paths: [createdQueue],
        },
        {
          ...common,
          name: `queue deep page (sort=-created, page ${createdDeep.page})`,
          kind: "cannon",
          connections: 1,
          maxRequests: 5000,
          paths: [createdDeep.path],
        },
        {
          ...common,
          name: "queue first page (sort=priority)",
          kind: "cannon",
          connections: 1,
          maxRequests: 5000,
          paths: [`${queue}&sort=priority`],
        },
        {
          ...common,
          name: "search q= one site, open statuses",
          kind: "cannon",
          connections: 1,
          maxRequests: 5000,
          paths: words.map(
            (w) => `/api/v1/tickets?site=${site}&status=new,open,pending-requester,pending-vendor&q=${w}`,
          ),
        },
        {
          ...common,
          name: "search q= all sites, any status",
          kind: "cannon",
          connections: 1,
          maxRequests: 5000,
          paths: words.map((w) => `/api/v1/tickets?q=${w}`),
        },
        {
          ...common,
          name: "create ticket, 1 client",
          kind: "cannon",
          connections: 1,
          maxRequests: 20_000,
          method: "POST",
          paths: ["/api/v1/tickets"],
          body: JSON.stringify({
            site,
            subject: "Bench ticket {n}",
            description: "Created by the benchmark; the printer at the district office fails.",
            category: "bug",
            priority: "normal",
            requester: { email: "bench-requester@mail.example" },
          }),
        },
        {
          ...common,
          name: "create ticket, 16 clients",
          kind: "cannon",
          connections: 16,
          maxRequests: 50_000,
          method: "POST",
          paths: ["/api/v1/tickets"],
          body: JSON.stringify({
            site,
            subject: "Bench ticket {n}",
            description: "Created by the benchmark; the printer at the district office fails.",
            category: "bug",
            priority: "normal",
            requester: { email: "bench-requester@mail.example" },
          }),
        },
      ];
      const specFile = path.join(dataDir, "scenarios.json");
      writeFileSync(specFile, JSON.stringify(scenarios));
      const measured = JSON.parse(
        await nodeAsync(
          [...TSX, path.join(root, "bench/load.ts"), specFile],
          env,
          scenarios.length * (SECONDS + 30),
        ),
      ) as Measured[];
      const helloRate = measured[0]?.perSecond ?? Number.NaN;
      for (const m of measured) rows.push({ ...m, db, ratioToHello: m.perSecond / helloRate });
      clearInterval(sampler);
      rows.push({
        db,
        name: "server RSS idle (MB)",
        samples: 1,
        failures: 0,
        seconds: 0,
        perSecond: Number.NaN,
        p50: idle,
        p95: Number.NaN,
        p99: Number.NaN,
      });
      rows.push({
        db,
        name: "server RSS peak under load (MB)",
        samples: 1,
        failures: 0,
        seconds: 0,
        perSecond: Number.NaN,
        p50: peak,
        p95: Number.NaN,
        p99: Number.NaN,
      });
    } finally {
      if (sampler) clearInterval(sampler);
      stop(srv);
      stop(hello.child);
      await new Promise((r) => setTimeout(r, 500));
    }

    // In-process scenarios, with the server stopped.
    const tasks = JSON.parse(node([...TSX, path.join(root, "bench/tasks.ts"), site], env, 900)) as {
      measured: Measured[];
      plans: Record<string, string>;
      notes: string[];
    };
    for (const m of tasks.measured) rows.push({ ...m, db });
    plans[db] = tasks.plans;
    notes.push(...tasks.notes.map((n) => `${db}: ${n}`));
  }
}

/**
 * The channel scenarios (bench/channels.ts): inbound email in a process of its own, then the WhatsApp
 * webhook over HTTP against the real server, started with its workers off (the work stays queued).
 */
async function channelScenarios(db: string, env: NodeJS.ProcessEnv, cli: string[], adminEmail: string) {
  const script = path.join(root, "bench/channels.ts");
  const lastLine = (s: string) =>
    JSON.parse(s.trim().split("\n").pop() as string) as { measured: Measured[]; notes: string[] };
  const mail = lastLine(
    node(
      [
        ...TSX,
        script,
        "email",
        "--messages",
        EMAIL_MESSAGES,
        "--seconds",
        EMAIL_SECONDS,
        "--seed",
        String(SEED),
      ],
      env,
      Number(EMAIL_SECONDS) * 3 + 120,
    ),
  );
  const adminToken = node(
    [
      ...cli,
      "token",
      "create",
      "--email",
      adminEmail,
      "--name",
      "bench channels",
      "--scopes",
      "sites:read,sites:write",
    ],
    env,
    60,
  ).trim();
  const port = await freePort();
  const srv = spawn(process.execPath, [...SERVE_FLAGS, ...cli, "serve", "--no-worker"], {
    cwd: root,
    env: { ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(`${base}/healthz`, 120);
    const wa = lastLine(
      await nodeAsync(
        [...TSX, script, "whatsapp", "--base", base, "--token", adminToken, "--seconds", String(SECONDS)],
        env,
        2 * (SECONDS + 60),
      ),
    );
    for (const r of [...mail.measured, ...wa.measured]) rows.push({ ...r, db });
    notes.push(...[...mail.notes, ...wa.notes].map((n) => `${db}: ${n}`));
  } finally {
    stop(srv);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const started = new Date();
// The pure scenario, once (no database): the business-time bench, in a process of its own.
const bt = node([...TSX, path.join(root, "bench/business-time.bench.ts")], process.env, 300);
const median = Number(/median: ([\d,]+)/.exec(bt)?.[1]?.replaceAll(",", "") ?? Number.NaN);
rows.push({
  db: "none",
  name: "SLA due computation (pure, one core)",
  samples: 2_000_000,
  failures: 0,
  seconds: 2_000_000 / median,
  perSecond: median,
  p50: 1000 / median,
  p95: Number.NaN,
  p99: Number.NaN,
});
for (const db of DBS) await benchDatabase(db);

const fmt = (x: number | null | undefined, digits = 1) =>
  x === undefined || x === null || Number.isNaN(x)
    ? ""
    : x >= 100
      ? Math.round(x).toLocaleString("en-GB")
      : x.toFixed(digits);
const header = "| db | scenario | p50 ms | p95 ms | p99 ms | per second | × hello | samples | failures |";
const table = [
  header,
  "|---|---|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map(
    (r) =>
      `| ${r.db} | ${r.name} | ${fmt(r.p50, 2)} | ${fmt(r.p95, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.perSecond)} | ${
        r.ratioToHello === undefined ? "" : `${(100 * r.ratioToHello).toFixed(1)} %`
      } | ${r.samples} | ${r.failures} |`,
  ),
].join("\n");
console.log(
  `\nTierdesk bench, ${TICKETS} tickets, ${started.toISOString()}, ${os.cpus().length} × ${os.cpus()[0]?.model}\n`,
);
console.log(table);
console.log(`\n${notes.map((n) => `- ${n}`).join("\n")}`);
mkdirSync(path.join(root, "bench/results"), { recursive: true });
const file = path.join(root, "bench/results", `${started.toISOString().replaceAll(":", "-")}.json`);
writeFileSync(
  file,
  JSON.stringify(
    {
      tickets: TICKETS,
      seed: SEED,
      startedAt: started.toISOString(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        memGb: os.totalmem() / 2 ** 30,
        node: process.version,
      },
      rows,
      notes,
      plans,
    },
    null,
    2,
  ),
);
const plansMd = Object.entries(plans)
  .flatMap(([db, byName]) =>
    Object.entries(byName).map(([name, plan]) => `### ${name} (${db})\n\n\`\`\`\n${plan}\n\`\`\`\n`),
  )
  .join("\n");
writeFileSync(file.replace(/\.json$/, ".plans.md"), `# Query plans, ${TICKETS} tickets\n\n${plansMd}`);
console.log(`\nWrote ${path.relative(root, file)} and the query plans beside it (.plans.md).`);
