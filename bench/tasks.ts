/**
 * The bench's in-process scenarios, run against the database in DATABASE_URL / DATA_DIR (as the
 * server would open it) after the HTTP scenarios: query plans of the hot queries, the per-tier
 * resolution-time report, the SLA breach sweep, and recomputing SLA clocks after a calendar change.
 * Usage: node --import tsx bench/tasks.ts <site code> ; prints one JSON line.
 */
import { type RawBuilder, sql } from "kysely";
import { createContext } from "../apps/server/src/app/context.js";
import { loadConfig, prepareDataDir } from "../apps/server/src/config/config.js";
import type { Db } from "../apps/server/src/db/database.js";
import { openMigrated } from "../apps/server/src/main.js";
import { type Measured, measure } from "./stats.js";

const DAY = 86_400_000;
const OPEN = ["new", "open", "pending-requester", "pending-vendor"];

/** Runs `fn` repeatedly, at most `count` times and for at most `seconds`. */
async function timed(name: string, count: number, seconds: number, fn: () => Promise<unknown>) {
  const lat: number[] = [];
  const t0 = performance.now();
  while (lat.length < count && performance.now() - t0 < seconds * 1000) {
    const s = performance.now();
    await fn();
    lat.push(performance.now() - s);
  }
  return measure(name, lat, (performance.now() - t0) / 1000);
}

/** The per-tier resolution-time report of one site over a year: the query the reports module will use. */
export const tierReport = (siteId: number, from: number, to: number) => sql<{
  tier: number;
  segments: number;
  tickets: number;
  avg_minutes: number;
}>`
  select s.tier as tier, count(*) as segments, count(distinct s.ticket_id) as tickets,
         avg((coalesce(s.left_at, t.resolved_at) - s.entered_at) / 60000.0) as avg_minutes
  from tickets t
  join tier_segments s on s.ticket_id = t.id
  where t.site_id = ${siteId} and t.resolved_at >= ${from} and t.resolved_at < ${to}
  group by s.tier
  order by s.tier`;

async function explain(db: Db, dialect: string, q: RawBuilder<unknown>): Promise<string> {
  if (dialect === "postgres") {
    const r = await sql<{ "QUERY PLAN": string }>`explain (analyze, costs off, timing on) ${q}`.execute(db);
    return r.rows.map((x) => x["QUERY PLAN"]).join("\n");
  }
  const r = await sql<{ id: number; parent: number; detail: string }>`explain query plan ${q}`.execute(db);
  const depth = new Map<number, number>([[0, 0]]);
  return r.rows
    .map((x) => {
      const d = (depth.get(x.parent) ?? 0) + 1;
      depth.set(x.id, d);
      return `${"  ".repeat(d - 1)}${x.detail}`;
    })
    .join("\n");
}

const code = process.argv[2] ?? "KEN";
const config = prepareDataDir(loadConfig());
const database = await openMigrated(config);
const { db, dialect } = database;
const ctx = createContext(config, database);
await ctx.jobs.init();
const out: { measured: Measured[]; plans: Record<string, string>; notes: string[] } = {
  measured: [],
  plans: {},
  notes: [],
};
try {
  const site = await db.selectFrom("sites").select(["id"]).where("code", "=", code).executeTakeFirstOrThrow();
  const siteIds = (await db.selectFrom("sites").select("id").execute()).map((s) => s.id);
  const now = Date.now();
  const sample = await db
    .selectFrom("tickets")
    .select(["id", "key"])
    .where("site_id", "=", site.id)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirstOrThrow();

  // --- Query plans of the hot queries (the SQL the repositories send, written out) ---
  const listHead = sql`select tickets.*, contacts.user_id as requester_user_id
    from tickets inner join contacts on contacts.id = tickets.contact_id
    where tickets.site_id in (${sql.join(siteIds)}) and tickets.site_id in (${site.id})
      and tickets.status in (${sql.join(OPEN)}) and tickets.tier in (1)`;
  const plans: Record<string, RawBuilder<unknown>> = {
    "queue, current list API (sort=-created), first page": sql`${listHead}
      order by tickets.created_at desc, tickets.id desc limit 26`,
    "queue, current list API (sort=priority), first page": sql`${listHead}
      order by tickets.priority_rank asc, tickets.id asc limit 26`,
    "queue by SLA due (not in the API yet), first page": sql`select tickets.* from tickets
      where tickets.site_id = ${site.id} and tickets.tier = 1 and tickets.status in (${sql.join(OPEN)})
      order by tickets.sla_due_at, tickets.id limit 26`,
    "ticket by key": sql`select tickets.*, contacts.user_id as requester_user_id
      from tickets inner join contacts on contacts.id = tickets.contact_id where tickets.key = ${sample.key}`,
    "messages of a ticket": sql`select * from ticket_messages where ticket_id = ${sample.id} and id > 0
      order by id limit 201`,
    "events of a ticket": sql`select * from ticket_events where ticket_id = ${sample.id} and id > 0
      order by id limit 201`,
    "search (q=certificate, one site, open)": sql`${listHead}
      and (lower(tickets.subject) like ${"%certificate%"} escape '\\' or tickets.key = ${"CERTIFICATE"})
      order by tickets.created_at desc, tickets.id desc limit 26`,
    "search (q=certificate, all sites, any status)": sql`select tickets.*, contacts.user_id as requester_user_id
      from tickets inner join contacts on contacts.id = tickets.contact_id
      where tickets.site_id in (${sql.join(siteIds)})
      and (lower(tickets.subject) like ${"%certificate%"} escape '\\' or tickets.key = ${"CERTIFICATE"})
      order by tickets.created_at desc, tickets.id desc limit 26`,
    "SLA sweep: due clocks": sql`select * from ticket_sla_clocks where state = 'running'
      and ((due_at <= ${now} and breached_at is null) or (warn_at <= ${now} and warned_at is null))
      order by due_at limit 200`,
    "SLA recompute: open clocks of a site": sql`select ticket_sla_clocks.*, tickets.priority, tickets.tier
      from ticket_sla_clocks inner join tickets on tickets.id = ticket_sla_clocks.ticket_id
      where tickets.site_id = ${site.id} and ticket_sla_clocks.state in ('running', 'paused')
      and ticket_sla_clocks.ticket_id > 0 order by ticket_sla_clocks.ticket_id limit 2000`,
    "per-tier resolution-time report, one site, last year": tierReport(site.id, now - 365 * DAY, now),
  };
  for (const [name, q] of Object.entries(plans)) out.plans[name] = await explain(db, dialect, q);

  // --- Per-tier resolution-time report ---
  out.measured.push(
    await timed("per-tier resolution-time report, site-year", 30, 20, () =>
      tierReport(site.id, now - 365 * DAY, now).execute(db),
    ),
  );
  const report = await tierReport(site.id, now - 365 * DAY, now).execute(db);
  out.notes.push(`tier report for ${code}: ${JSON.stringify(report.rows)}`);

  // --- SLA breach sweep: the backlog of the next day (fires events and notifications), then idle sweeps ---
  const t0 = performance.now();
  const { fired } = await ctx.sla.sweep(now + DAY);
  const sweepS = (performance.now() - t0) / 1000;
  out.measured.push({ ...measure("SLA sweep, backlog of the next 24 h (per firing)", [], sweepS, 0, fired) });
  const last = out.measured[out.measured.length - 1] as Measured;
  last.p50 = (sweepS * 1000) / Math.max(1, fired);
  out.notes.push(`sweep fired ${fired} warnings/breaches due within 24 h in ${sweepS.toFixed(2)} s`);
  out.measured.push(
    await timed("SLA sweep over all open tickets, nothing due", 50, 15, () => ctx.sla.sweep(now)),
  );

  // --- Recomputing SLA clocks after a calendar change, every site in turn ---
  const openTickets = await db
    .selectFrom("ticket_sla_clocks")
    .select((eb) => eb.fn.count<number>("ticket_id").distinct().as("n"))
    .where("state", "in", ["running", "paused"])
    .executeTakeFirstOrThrow();
  const r0 = performance.now();
  let clocks = 0;
  for (const id of siteIds) clocks += await ctx.sla.recomputeSite(id);
  const recomputeS = (performance.now() - r0) / 1000;
  const tickets = Number(openTickets.n);
  out.measured.push({
    ...measure("SLA recompute after a calendar change (per ticket)", [], recomputeS, 0, tickets),
    p50: (recomputeS * 1000) / Math.max(1, tickets),
  });
  out.notes.push(
    `recomputed ${clocks} clocks of ${tickets} open tickets in ${recomputeS.toFixed(2)} s: ${(
      (recomputeS / Math.max(1, tickets)) * 100_000
    ).toFixed(1)} s per 100,000 tickets`,
  );
} finally {
  await ctx.jobs.stop();
  await database.close();
}
console.log(JSON.stringify(out));
