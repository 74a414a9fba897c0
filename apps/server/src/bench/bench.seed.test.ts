import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, testDatabase } from "../../test/harness.js";
import { buildApp } from "../app/app.js";
import { type AppContext, createContext } from "../app/context.js";
import type { App } from "../app/http.js";
import type { DatabaseHandle } from "../db/database.js";
import { lastSiteNumber } from "../modules/tickets/tickets.numbers.js";
import { BENCH_AGENT, BENCH_SITES, type SeedResult, seedBench } from "./bench.seed.js";

const NOW = Date.parse("2026-03-02T00:00:00Z");
const OPTIONS = { tickets: 200, seed: 7, users: 300, now: NOW, batch: 64 };

/** Every index of the database with its definition, as the database itself states it. */
async function indexes(h: DatabaseHandle): Promise<string[]> {
  const rows =
    h.dialect === "postgres"
      ? (
          await sql<{ d: string }>`select pg_get_indexdef(indexrelid) as d from pg_index x
            join pg_class t on t.oid = x.indrelid where t.relnamespace = current_schema()::regnamespace`.execute(
            h.db,
          )
        ).rows
      : (
          await sql<{ d: string }>`select name || ': ' || coalesce(sql, '') as d from sqlite_master
            where type = 'index'`.execute(h.db)
        ).rows;
  return rows.map((r) => r.d).sort();
}

describe("the scale-data generator (small run)", () => {
  let database: DatabaseHandle;
  let cleanup: () => Promise<void>;
  let result: SeedResult;
  let ctx: AppContext;
  let app: App;
  let before: string[];
  const stages: string[] = [];

  beforeAll(async () => {
    const t = await testDatabase();
    database = t.database;
    cleanup = t.cleanup;
    before = await indexes(database);
    result = await seedBench(database, { ...OPTIONS, onStage: (s) => stages.push(s) });
    ctx = createContext(t.config, database);
    app = await buildApp(ctx, { logger: false });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.jobs.stop();
    await cleanup?.();
  });

  it("creates 30 sites whose counters match the ticket numbers they handed out", async () => {
    const { db } = database;
    expect(result.sites).toBe(BENCH_SITES.length);
    const counters = await Promise.all(
      (await db.selectFrom("sites").select(["id", "code"]).execute()).map(async (s) => ({
        code: s.code,
        last_number: await lastSiteNumber(db, s.id),
      })),
    );
    const numbers = await db
      .selectFrom("tickets")
      .innerJoin("sites", "sites.id", "tickets.site_id")
      .select(["sites.code", (eb) => eb.fn.max("tickets.number").as("max"), (eb) => eb.fn.countAll().as("n")])
      .groupBy("sites.code")
      .execute();
    expect(counters.filter((c) => BENCH_SITES.some((s) => s.code === c.code))).toHaveLength(30);
    let total = 0;
    for (const n of numbers) {
      expect(Number(n.max)).toBe(Number(n.n));
      expect(counters.find((c) => c.code === n.code)?.last_number).toBe(Number(n.max));
      total += Number(n.n);
    }
    expect(total).toBe(200);
  });

  it("gives every ticket a key, a thread of 3 to 10 messages and one open tier segment at its tier", async () => {
    const { db } = database;
    const tickets = await db.selectFrom("tickets").selectAll().execute();
    for (const t of tickets) {
      expect(t.key).toMatch(/^[A-Z]{3}-[1-9][0-9]*$/);
      expect(t.version).toBe(1);
      expect(JSON.parse(t.tags)).toBeInstanceOf(Array);
    }
    const threads = await db
      .selectFrom("ticket_messages")
      .select(["ticket_id", (eb) => eb.fn.countAll().as("n")])
      .groupBy("ticket_id")
      .execute();
    expect(threads).toHaveLength(200);
    for (const th of threads) expect(Number(th.n)).toBeGreaterThanOrEqual(3);
    for (const th of threads) expect(Number(th.n)).toBeLessThanOrEqual(10);
    const open = await db
      .selectFrom("tier_segments")
      .innerJoin("tickets", "tickets.id", "tier_segments.ticket_id")
      .select(["tier_segments.tier as segmentTier", "tickets.tier as ticketTier"])
      .where("tier_segments.left_at", "is", null)
      .execute();
    expect(open).toHaveLength(200);
    for (const o of open) expect(o.segmentTier).toBe(o.ticketTier);
  });

  it("keeps the SLA summary on the ticket: due time while a clock runs, nothing once it is done", async () => {
    const { db } = database;
    const tickets = await db.selectFrom("tickets").select(["sla_due_at", "sla_state", "status"]).execute();
    const open = tickets.filter((t) => !["resolved", "closed"].includes(t.status));
    expect(open.length).toBeGreaterThan(0);
    for (const t of open) expect(["ok", "warning", "breached", "paused"]).toContain(t.sla_state);
    for (const t of tickets) {
      if (t.sla_state === "ok" || t.sla_state === "warning") expect(t.sla_due_at).not.toBeNull();
      if (["resolved", "closed"].includes(t.status)) expect(t.sla_state).toBeNull();
    }
  });

  it("loads without the secondary indexes and leaves every index the migrations made, as they made it", async () => {
    expect(before.length).toBeGreaterThan(20);
    expect(await indexes(database)).toEqual(before);
    expect(stages[0]).toMatch(/^building [1-9][0-9]* indexes$/);
  });

  it("is readable through the API by the bench agent, ticket, thread and events", async () => {
    const { token } = await ctx.auth.createToken((await ctx.users.findByEmail(BENCH_AGENT))?.id as number, {
      name: "bench",
      scopes: ["tickets:read"],
    });
    const client = new Client(app);
    client.bearer = token;
    const list = await client.get(`/api/v1/tickets?site=${result.busiestSite}&limit=5`);
    expect(list.statusCode).toBe(200);
    const key = list.json().items[0].key as string;
    for (const path of [
      `/api/v1/tickets/${key}`,
      `/api/v1/tickets/${key}/messages`,
      `/api/v1/tickets/${key}/events`,
    ])
      expect((await client.get(path)).statusCode).toBe(200);
  });

  it("produces the same tickets from the same seed", async () => {
    const other = await testDatabase();
    try {
      await seedBench(other.database, OPTIONS);
      const project = (h: DatabaseHandle) =>
        h.db
          .selectFrom("tickets")
          .select(["key", "subject", "status", "priority", "tier", "created_at", "sla_due_at"])
          .orderBy("key")
          .execute();
      expect(await project(other.database)).toEqual(await project(database));
    } finally {
      await other.cleanup();
    }
  });
});
