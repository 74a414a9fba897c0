import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import pg from "pg";
import { buildApp } from "../src/app/app.js";
import { type AppContext, createContext, jobsSchema } from "../src/app/context.js";
import type { App } from "../src/app/http.js";
import { type Config, loadConfig } from "../src/config/config.js";
import { type DatabaseHandle, openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { DEMO_PASSWORD } from "../src/modules/demo/demo.data.js";
import { loadDemo } from "../src/modules/demo/demo.seed.js";
import type { Clock } from "../src/shared/clock.js";

export const dialect = (process.env.TIERDESK_TEST_DB ?? "sqlite") as "sqlite" | "postgres";

/** A fresh, migrated database for one test file: a SQLite file, or a PostgreSQL schema of its own. */
export async function testDatabase(): Promise<{
  database: DatabaseHandle;
  config: Config;
  cleanup: () => Promise<void>;
}> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "tierdesk-test-"));
  const base = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    SESSION_SECRET: randomBytes(32).toString("hex"),
    PUBLIC_URL: "http://tierdesk.test",
  });
  if (dialect === "postgres") {
    const url = process.env.TEST_DATABASE_URL as string;
    const schema = `t_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const config: Config = { ...base, database: { dialect: "postgres", url } };
    const database = openDatabase(config.database, { searchPath: schema, poolSize: 5 });
    await migrateToLatest(database.db, database.dialect);
    return {
      database,
      config,
      cleanup: async () => {
        await database.close();
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`drop schema ${schema} cascade`);
        await c.query(`drop schema if exists ${jobsSchema(schema)} cascade`);
        await c.end();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const config: Config = {
    ...base,
    database: { dialect: "sqlite", file: path.join(dataDir, "test.sqlite") },
  };
  const database = openDatabase(config.database);
  await migrateToLatest(database.db, database.dialect);
  return {
    database,
    config,
    cleanup: async () => {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A settable clock for tests. */
export function testClock(start = Date.parse("2026-03-02T08:00:00Z")) {
  let t = start;
  return { now: () => t, set: (ms: number) => (t = ms), advance: (ms: number) => (t += ms) };
}

export type Harness = {
  app: App;
  ctx: AppContext;
  config: Config;
  as: (email: string) => Promise<Client>;
  anonymous: () => Client;
  close: () => Promise<void>;
};

/** The whole app on a fresh database, with the demo data loaded unless asked not to; `config` overrides settings. */
export async function createHarness(
  options: { demo?: boolean; clock?: Clock; config?: Partial<Config> } = {},
): Promise<Harness> {
  const { database, config: base, cleanup } = await testDatabase();
  const config: Config = { ...base, ...options.config };
  if (options.demo !== false) await loadDemo(config, database);
  const ctx = createContext(config, database, options.clock);
  const app = await buildApp(ctx, { logger: false });
  await app.ready();
  const sessions = new Map<string, Client>();
  return {
    app,
    ctx,
    config,
    anonymous: () => new Client(app),
    async as(email: string) {
      const cached = sessions.get(email);
      if (cached) return cached;
      const client = new Client(app);
      await client.login(email, DEMO_PASSWORD);
      sessions.set(email, client);
      return client;
    },
    close: async () => {
      await app.close();
      await ctx.jobs.stop();
      await cleanup();
    },
  };
}

type Body = Record<string, unknown> | unknown[] | string | Buffer | undefined;

/** A signed-in (or anonymous) HTTP client over app.inject, carrying the session cookie and CSRF token. */
export class Client {
  cookie?: string;
  csrf?: string;
  bearer?: string;
  constructor(readonly app: App) {}

  async login(email: string, password: string): Promise<LightMyRequestResponse> {
    const res = await this.request("POST", "/api/v1/auth/login", { email, password });
    if (res.statusCode === 200) {
      const set = res.cookies.find((c) => c.name === "tierdesk_session");
      this.cookie = set ? `tierdesk_session=${set.value}` : undefined;
      this.csrf = res.json().csrfToken;
    }
    return res;
  }

  request(
    method: "GET" | "POST" | "PATCH" | "DELETE" | "PUT",
    url: string,
    body?: Body,
    headers: Record<string, string> = {},
  ) {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== "GET") h["x-csrf-token"] = this.csrf;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    let payload: string | Buffer | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    return this.app.inject({ method, url, headers: h, ...(payload !== undefined ? { payload } : {}) });
  }

  get = (url: string, headers?: Record<string, string>) => this.request("GET", url, undefined, headers);
  post = (url: string, body?: Body, headers?: Record<string, string>) =>
    this.request("POST", url, body ?? {}, headers);
  patch = (url: string, body: Body, headers?: Record<string, string>) =>
    this.request("PATCH", url, body, headers);
  delete = (url: string) => this.request("DELETE", url);

  /** Uploads files as multipart/form-data. */
  upload(url: string, files: Array<{ name: string; content: Buffer; type?: string }>) {
    const boundary = `----tierdesk${randomBytes(8).toString("hex")}`;
    const parts: Buffer[] = [];
    for (const f of files) {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: ${f.type ?? "application/octet-stream"}\r\n\r\n`,
        ),
        f.content,
        Buffer.from("\r\n"),
      );
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return this.request("POST", url, Buffer.concat(parts), {
      "content-type": `multipart/form-data; boundary=${boundary}`,
    });
  }
}

/** Opens a ticket as a user and returns its key. */
export async function openTicket(client: Client, body: Record<string, unknown>): Promise<string> {
  const res = await client.post("/api/v1/tickets", body);
  if (res.statusCode !== 201) throw new Error(`ticket creation failed: ${res.statusCode} ${res.body}`);
  return res.json().key as string;
}

/** Polls until the probe gives a truthy value (returned), failing after `seconds`; for background work. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  seconds = 30,
): Promise<T> {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
