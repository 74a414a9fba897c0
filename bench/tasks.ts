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

/**
 * The per-tier resolution-time report of one site over a period: the query the reports module will use.
 * PostgreSQL gets the segments ticket by ticket through a lateral subquery (a nested loop over the
 * index-only `tier_segments_report_idx`, migration 0015): the plain join is planned as a hash join over
 * a scan of every segment of every site. SQLite has no LATERAL and already loops over the index.
 * Both give, per tier, the segments, the tickets with a segment at that tier, and the mean minutes.
 */
export const tierReport = (dialect: string, siteId: number, from: number, to: number) =>
  dialect === "postgres"
    ? sql<{ tier: number; segments: number; tickets: number; avg_minutes: number }>`
  select x.tier as tier, sum(x.segments) as segments, count(*) as tickets,
         sum(x.minutes) / sum(x.segments) as avg_minutes
  from tickets t
  cross join lateral (
    select s.tier, count(*) as segments,
           sum((coalesce(s.left_at, t.resolved_at) - s.entered_at) / 60000.0) as minutes
    from tier_segments s where s.ticket_id = t.id group by s.tier
  ) x
  where t.site_id = ${siteId} and t.resolved_at >= ${from} and t.resolved_at < ${to}
  group by x.tier
  order by x.tier`
    : sql<{ tier: number; segments: number; tickets: number; avg_minutes: number }>`
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
  // Sorted by SLA due, list() writes the statuses as literals on SQLite, which uses a partial index
  // only when the query repeats its condition literally.
  const slaHead = sql`select tickets.*, contacts.user_id as requester_user_id
    from tickets inner join contacts on contacts.id = tickets.contact_id
    where tickets.site_id in (${sql.join(siteIds)}) and tickets.site_id in (${site.id})
      and tickets.status in (${sql.join(dialect === "postgres" ? OPEN : OPEN.map((s) => sql.lit(s)))})
      and tickets.tier in (1)`;
  // The queue's keyset cursor 12 pages deep (the 300th ticket in SLA order), for the deep-page plan.
  const deep = await db
    .selectFrom("tickets")
    .select(["sla_due_at", "id"])
    .where("site_id", "=", site.id)
    .where("tier", "=", 1)
    .where("status", "in", OPEN)
    .orderBy(sql`sla_due_at asc nulls last`)
    .orderBy("id")
    .offset(299)
    .limit(1)
    .executeTakeFirst();
  const slaAfter =
    deep?.sla_due_at == null
      ? sql`and tickets.sla_due_at is null and tickets.id > ${deep?.id ?? 0}`
      : sql`and (tickets.sla_due_at > ${deep.sla_due_at}
          or (tickets.sla_due_at = ${deep.sla_due_at} and tickets.id > ${deep.id}) or tickets.sla_due_at is null)`;
  // The search as list() sends it for sort=-created: PostgreSQL filters with the trigram index and sorts;
  // SQLite reads FTS5 matches newest id first and stops when the page is full (only the site's tickets,
  // from tickets_site_status_tier_idx, are looked up).
  const search = (text: string, scope: RawBuilder<unknown>, siteFilter: RawBuilder<unknown> | null) =>
    dialect === "postgres"
      ? sql`${scope} and (tickets.search_subject like ${`%${text}%`} escape '\\' or tickets.key = ${text.toUpperCase()})
          order by tickets.created_at desc, tickets.id desc limit 26`
      : sql`${scope} and tickets_fts match ${`"${text}"*`}
          ${siteFilter ? sql`and +tickets_fts.rowid in (select id from tickets where ${siteFilter})` : sql``}
          order by tickets_fts.rowid desc limit 26`;
  const fts = dialect === "postgres" ? sql`` : sql`inner join tickets_fts on tickets_fts.rowid = tickets.id`;
  const oneSite = sql`select tickets.*, contacts.user_id as requester_user_id
    from tickets inner join contacts on contacts.id = tickets.contact_id ${fts}
    where tickets.site_id in (${sql.join(siteIds)}) and tickets.site_id in (${site.id})
      and tickets.status in (${sql.join(OPEN)})`;
  const allSites = sql`select tickets.*, contacts.user_id as requester_user_id
    from tickets inner join contacts on contacts.id = tickets.contact_id ${fts}
    where tickets.site_id in (${sql.join(siteIds)})`;
  const plans: Record<string, RawBuilder<unknown>> = {
    "queue by SLA due (sort=sla), first page": sql`${slaHead}
      order by tickets.sla_due_at asc nulls last, tickets.id asc limit 26`,
    "queue by SLA due (sort=sla), page 13": sql`${slaHead} ${slaAfter}
      order by tickets.sla_due_at asc nulls last, tickets.id asc limit 26`,
    "queue, sort=-created, first page": sql`${listHead}
      order by tickets.created_at desc, tickets.id desc limit 26`,
    "queue, sort=priority, first page": sql`${listHead}
      order by tickets.priority_rank asc, tickets.id asc limit 26`,
    "ticket by key": sql`select tickets.*, contacts.user_id as requester_user_id
      from tickets inner join contacts on contacts.id = tickets.contact_id where tickets.key = ${sample.key}`,
    "messages of a ticket": sql`select * from ticket_messages where ticket_id = ${sample.id} and id > 0
      order by id limit 201`,
    "events of a ticket": sql`select * from ticket_events where ticket_id = ${sample.id} and id > 0
      order by id limit 201`,
    "search (q=certificate, one site, open)": search(
      "certificate",
      oneSite,
      sql`site_id in (${site.id}) and status in (${sql.join(OPEN)})`,
    ),
    "search (q=certificate, all sites, any status)": search("certificate", allSites, null),
    "SLA sweep: due clocks": sql`select * from ticket_sla_clocks where state = 'running'
      and ((due_at <= ${now} and breached_at is null) or (warn_at <= ${now} and warned_at is null))
      order by due_at limit 200`,
    "SLA recompute: open clocks of a site": sql`select ticket_sla_clocks.*, tickets.priority, tickets.tier
      from ticket_sla_clocks inner join tickets on tickets.id = ticket_sla_clocks.ticket_id
      where tickets.site_id = ${site.id} and ticket_sla_clocks.state in ('running', 'paused')
      and ticket_sla_clocks.ticket_id > 0 order by ticket_sla_clocks.ticket_id limit 2000`,
    "per-tier resolution-time report, one site, last year": tierReport(
      dialect,
      site.id,
      now - 365 * DAY,
      now,
    ),
  };
  for (const [name, q] of Object.entries(plans)) out.plans[name] = await explain(db, dialect, q);

  // --- Per-tier resolution-time report ---
  out.measured.push(
    await timed("per-tier resolution-time report, site-year", 30, 20, () =>
      tierReport(dialect, site.id, now - 365 * DAY, now).execute(db),
    ),
  );
  const report = await tierReport(dialect, site.id, now - 365 * DAY, now).execute(db);
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
