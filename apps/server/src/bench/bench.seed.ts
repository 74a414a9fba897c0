import { CompiledQuery, sql } from "kysely";
import type { DatabaseHandle, Db } from "../db/database.js";
import type { WeeklyInterval } from "../modules/sla/business-time.js";
import { addBusinessMinutes, type BusinessCalendar, compileCalendar } from "../modules/sla/business-time.js";
import { type ClockRow, finish, pause, start, summarize } from "../modules/sla/sla.clocks.js";
import { createSiteCounter, setSiteCounter } from "../modules/tickets/tickets.numbers.js";
import { bodyText, type Lang, pick, type Random, subjectText } from "./bench.text.js";

/**
 * The scale-data generator behind `tierdesk bench seed`: 30 sites in different time zones with
 * calendars and SLA policies, 5,000 users with memberships, contacts, and N tickets over three years
 * with their thread, events, tier history and SLA clocks. Deterministic from the seed and the anchor
 * time. It writes with bulk statements (multi-row VALUES on SQLite, unnest() of column arrays on
 * PostgreSQL) in transactions of a few thousand tickets, not through the per-ticket services, but it
 * writes what they would: keys SITE-N with the sites' counters (tickets.numbers.ts), version 1, tags as JSON, clocks computed by
 * the SLA module's own pure functions, and the tickets' sla_due_at / sla_state summary.
 */

export type SeedOptions = {
  tickets: number;
  seed?: number;
  /** The "now" the three years end at; defaults to the start of the current UTC day. */
  now?: number;
  users?: number;
  /** Tickets per transaction. */
  batch?: number;
  onProgress?: (p: SeedProgress) => void;
  /** Told when a step other than the ticket load begins (building the indexes, analysing). */
  onStage?: (what: string) => void;
};
export type SeedProgress = { done: number; total: number; rows: number; elapsedMs: number };
export type SeedResult = {
  sites: number;
  users: number;
  contacts: number;
  tickets: number;
  messages: number;
  events: number;
  segments: number;
  clocks: number;
  elapsedMs: number;
  /** The user the bench signs in as: an agent at every bench site. */
  agentEmail: string;
  adminEmail: string;
  /** The site with the most tickets (for the queue scenarios). */
  busiestSite: string;
};

const DAY = 86_400_000;
const YEAR = 365 * DAY;
export const BENCH_AGENT = "bench-agent@bench.test";
export const BENCH_ADMIN = "bench-admin@bench.test";

type WeekKind = "mf" | "split" | "sunthu" | "sunfri" | "night" | "always";
type SiteDef = { code: string; country: string; tz: string; lang: Lang; product: string; week: WeekKind };

export const BENCH_SITES: readonly SiteDef[] = [
  { code: "KEN", country: "Kenya", tz: "Africa/Nairobi", lang: "en", product: "OpenCRVS", week: "mf" },
  { code: "NGA", country: "Nigeria", tz: "Africa/Lagos", lang: "en", product: "DHIS2", week: "split" },
  { code: "SEN", country: "Senegal", tz: "Africa/Dakar", lang: "fr", product: "OpenCRVS", week: "mf" },
  {
    code: "CIV",
    country: "Côte d'Ivoire",
    tz: "Africa/Abidjan",
    lang: "fr",
    product: "MOSIP",
    week: "split",
  },
  { code: "MAR", country: "Morocco", tz: "Africa/Casablanca", lang: "fr", product: "DHIS2", week: "mf" },
  { code: "MOZ", country: "Mozambique", tz: "Africa/Maputo", lang: "pt", product: "OpenSPP", week: "mf" },
  { code: "AGO", country: "Angola", tz: "Africa/Luanda", lang: "pt", product: "DHIS2", week: "split" },
  { code: "ETH", country: "Ethiopia", tz: "Africa/Addis_Ababa", lang: "en", product: "MOSIP", week: "mf" },
  { code: "RWA", country: "Rwanda", tz: "Africa/Kigali", lang: "en", product: "openIMIS", week: "mf" },
  { code: "GHA", country: "Ghana", tz: "Africa/Accra", lang: "en", product: "OpenCRVS", week: "mf" },
  {
    code: "ZAF",
    country: "South Africa",
    tz: "Africa/Johannesburg",
    lang: "en",
    product: "Mojaloop",
    week: "night",
  },
  { code: "EGY", country: "Egypt", tz: "Africa/Cairo", lang: "en", product: "DHIS2", week: "sunthu" },
  { code: "PAK", country: "Pakistan", tz: "Asia/Karachi", lang: "en", product: "OpenCRVS", week: "mf" },
  { code: "NPL", country: "Nepal", tz: "Asia/Kathmandu", lang: "en", product: "DHIS2", week: "sunfri" },
  { code: "IND", country: "India", tz: "Asia/Kolkata", lang: "en", product: "MOSIP", week: "split" },
  { code: "LKA", country: "Sri Lanka", tz: "Asia/Colombo", lang: "en", product: "DHIS2", week: "mf" },
  { code: "PHL", country: "Philippines", tz: "Asia/Manila", lang: "en", product: "MOSIP", week: "mf" },
  { code: "IDN", country: "Indonesia", tz: "Asia/Jakarta", lang: "en", product: "OpenSPP", week: "mf" },
  { code: "KHM", country: "Cambodia", tz: "Asia/Phnom_Penh", lang: "en", product: "openIMIS", week: "mf" },
  { code: "VNM", country: "Viet Nam", tz: "Asia/Ho_Chi_Minh", lang: "en", product: "DHIS2", week: "split" },
  {
    code: "PNG",
    country: "Papua New Guinea",
    tz: "Pacific/Port_Moresby",
    lang: "en",
    product: "OpenCRVS",
    week: "mf",
  },
  { code: "FJI", country: "Fiji", tz: "Pacific/Fiji", lang: "en", product: "OpenCRVS", week: "mf" },
  { code: "BRA", country: "Brazil", tz: "America/Sao_Paulo", lang: "pt", product: "DHIS2", week: "mf" },
  { code: "PER", country: "Peru", tz: "America/Lima", lang: "es", product: "OpenSPP", week: "split" },
  { code: "COL", country: "Colombia", tz: "America/Bogota", lang: "es", product: "MOSIP", week: "mf" },
  { code: "GTM", country: "Guatemala", tz: "America/Guatemala", lang: "es", product: "OpenCRVS", week: "mf" },
  { code: "MEX", country: "Mexico", tz: "America/Mexico_City", lang: "es", product: "DHIS2", week: "mf" },
  {
    code: "HTI",
    country: "Haiti",
    tz: "America/Port-au-Prince",
    lang: "fr",
    product: "openIMIS",
    week: "mf",
  },
  { code: "CHL", country: "Chile", tz: "America/Santiago", lang: "es", product: "Mojaloop", week: "split" },
  {
    code: "GBR",
    country: "United Kingdom",
    tz: "Europe/London",
    lang: "en",
    product: "Mojaloop",
    week: "always",
  },
];

const MODULES: Record<string, readonly string[]> = {
  OpenCRVS: [
    "birth registration",
    "death registration",
    "certificates",
    "performance dashboard",
    "user management",
  ],
  DHIS2: ["tracker", "data entry", "analytics", "aggregate import", "maintenance"],
  MOSIP: ["pre-registration", "registration client", "ID authentication", "resident portal"],
  OpenSPP: ["beneficiary registry", "programs", "payments", "grievance"],
  openIMIS: ["claims", "insurees", "policies", "payments"],
  Mojaloop: ["account lookup", "quoting", "transfers", "settlements"],
};
const VERSIONS: Record<string, string> = {
  OpenCRVS: "1.8.1",
  DHIS2: "2.41.3",
  MOSIP: "1.2.0.1",
  OpenSPP: "17.0.1",
  openIMIS: "24.04",
  Mojaloop: "17.1.0",
};

function weekly(kind: WeekKind): WeeklyInterval[] {
  const days = (ds: number[], start: string, end: string) =>
    ds.map((day) => ({ day: day as WeeklyInterval["day"], start, end }));
  switch (kind) {
    case "split":
      return [...days([1, 2, 3, 4, 5], "08:00", "12:30"), ...days([1, 2, 3, 4, 5], "13:30", "17:00")];
    case "sunthu":
      return days([0, 1, 2, 3, 4], "08:00", "16:00");
    case "sunfri":
      return days([0, 1, 2, 3, 4, 5], "10:00", "17:00");
    case "night":
      // a day shift and a night shift that crosses midnight
      return [...days([1, 2, 3, 4, 5], "07:00", "19:00"), ...days([1, 2, 3, 4, 5, 6], "22:00", "06:00")];
    default:
      return days([1, 2, 3, 4, 5], "08:00", "17:00");
  }
}

/** mulberry32: small, fast and deterministic. */
export function prng(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T extends string>(r: Random, table: ReadonlyArray<readonly [T, number]>): T {
  let total = 0;
  for (const [, w] of table) total += w;
  let x = r() * total;
  for (const [v, w] of table) {
    x -= w;
    if (x < 0) return v;
  }
  return (table[table.length - 1] as readonly [T, number])[0];
}

const CHANNEL_MIX = [
  ["web", 35],
  ["email", 25],
  ["whatsapp", 15],
  ["phone", 10],
  ["register", 5],
  ["api", 5],
  ["chatbot", 5],
] as const;
const CATEGORY_MIX = [
  ["training", 12],
  ["configuration", 15],
  ["account-access", 18],
  ["bug", 15],
  ["data-quality", 12],
  ["performance", 6],
  ["connectivity", 8],
  ["feature-request", 6],
  ["security", 2],
  ["other", 6],
] as const;
const PRIORITY_MIX = [
  ["critical", 3],
  ["high", 15],
  ["normal", 60],
  ["low", 22],
] as const;
type Status = "new" | "open" | "pending-requester" | "pending-vendor" | "deferred" | "resolved" | "closed";
const STATUS_FRESH = [
  ["new", 35],
  ["open", 45],
  ["pending-requester", 10],
  ["pending-vendor", 5],
  ["resolved", 5],
] as const;
const STATUS_RECENT = [
  ["new", 5],
  ["open", 30],
  ["pending-requester", 15],
  ["pending-vendor", 10],
  ["deferred", 3],
  ["resolved", 25],
  ["closed", 12],
] as const;
const STATUS_OLD = [
  ["closed", 93],
  ["resolved", 2],
  ["deferred", 2.5],
  ["pending-vendor", 1.5],
  ["open", 1],
] as const;
/** Business-minute targets per priority: first response, next response, resolution. */
const TARGETS: Record<Priority, [number, number, number]> = {
  critical: [30, 60, 240],
  high: [60, 240, 960],
  normal: [240, 480, 2400],
  low: [480, 960, 4800],
};
const WARN_PERCENT = 75;
type Priority = "critical" | "high" | "normal" | "low";
/** The ranks of the priorities that migration 0003 seeds. */
const PRIORITY_RANK: Record<Priority, number> = { critical: 0, high: 1, normal: 2, low: 3 };

// --- Bulk writing ----------------------------------------------------------------------------

type PgType = "int4" | "int8" | "text" | "float8";
type TableSpec = { name: string; cols: ReadonlyArray<readonly [string, PgType]> };
const T = {
  contacts: {
    name: "contacts",
    cols: [
      ["id", "int4"],
      ["site_id", "int4"],
      ["name", "text"],
      ["email", "text"],
      ["phone", "text"],
      ["whatsapp_id", "text"],
      ["user_id", "int4"],
      ["created_at", "int8"],
      ["updated_at", "int8"],
    ],
  },
  tickets: {
    name: "tickets",
    cols: [
      ["id", "int4"],
      ["site_id", "int4"],
      ["number", "int4"],
      ["key", "text"],
      ["subject", "text"],
      ["status", "text"],
      ["priority", "text"],
      ["priority_rank", "int4"],
      ["category", "text"],
      ["tier", "int4"],
      ["channel", "text"],
      ["contact_id", "int4"],
      ["assignee_id", "int4"],
      ["vendor_team_id", "int4"],
      ["product", "text"],
      ["module", "text"],
      ["product_version", "text"],
      ["tags", "text"],
      ["created_by", "int4"],
      ["create_request_key", "text"],
      ["version", "int4"],
      ["created_at", "int8"],
      ["updated_at", "int8"],
      ["first_response_at", "int8"],
      ["resolved_at", "int8"],
      ["closed_at", "int8"],
      ["sla_due_at", "int8"],
      ["sla_state", "text"],
    ],
  },
  messages: {
    name: "ticket_messages",
    cols: [
      ["id", "int4"],
      ["ticket_id", "int4"],
      ["kind", "text"],
      ["author_user_id", "int4"],
      ["author_contact_id", "int4"],
      ["body", "text"],
      ["channel", "text"],
      ["created_at", "int8"],
    ],
  },
  events: {
    name: "ticket_events",
    cols: [
      ["id", "int4"],
      ["ticket_id", "int4"],
      ["type", "text"],
      ["actor_user_id", "int4"],
      ["before", "text"],
      ["after", "text"],
      ["created_at", "int8"],
    ],
  },
  segments: {
    name: "tier_segments",
    cols: [
      ["id", "int4"],
      ["ticket_id", "int4"],
      ["tier", "int4"],
      ["entered_at", "int8"],
      ["left_at", "int8"],
      ["entered_by", "int4"],
      ["reason", "text"],
    ],
  },
  clocks: {
    name: "ticket_sla_clocks",
    cols: [
      ["ticket_id", "int4"],
      ["kind", "text"],
      ["state", "text"],
      ["target_minutes", "int4"],
      ["consumed_minutes", "float8"],
      ["running_since", "int8"],
      ["started_at", "int8"],
      ["due_at", "int8"],
      ["warn_at", "int8"],
      ["warn_percent", "int4"],
      ["met_at", "int8"],
      ["warned_at", "int8"],
      ["breached_at", "int8"],
    ],
  },
} satisfies Record<string, TableSpec>;

type Row = unknown[];

/** Writes rows of one table with as few statements as the dialect allows. */
async function bulkInsert(exec: Db, dialect: "sqlite" | "postgres", table: TableSpec, rows: Row[]) {
  if (!rows.length) return;
  const names = table.cols.map(([n]) => `"${n}"`).join(", ");
  if (dialect === "postgres") {
    // One statement per table and batch: each column travels as one array parameter.
    const arrays = table.cols.map((_, i) => rows.map((r) => r[i] ?? null));
    const casts = table.cols.map(([, t], i) => `$${i + 1}::${t}[]`).join(", ");
    await exec.executeQuery(
      CompiledQuery.raw(`insert into "${table.name}" (${names}) select * from unnest(${casts})`, arrays),
    );
    return;
  }
  const per = Math.floor(30_000 / table.cols.length);
  const one = `(${table.cols.map(() => "?").join(", ")})`;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    await exec.executeQuery(
      CompiledQuery.raw(
        `insert into "${table.name}" (${names}) values ${chunk.map(() => one).join(", ")}`,
        chunk.flat(),
      ),
    );
  }
}

/** The tables the ticket load writes, whose secondary indexes are set aside during it. */
const LOADED_TABLES = ["tickets", "ticket_messages", "ticket_events", "tier_segments", "ticket_sla_clocks"];

type SetAside = { name: string; definition: string };

/**
 * Drops the loaded tables' secondary indexes (all but those behind a primary key or a constraint of the
 * table; a unique index dropped here checks its rows once when it is built again) and returns their
 * definitions. Building
 * an index once over sorted data is far cheaper than keeping it up to date row by row: at a million
 * tickets PostgreSQL's inserts slowed to a few hundred tickets a second as the random-order indexes
 * outgrew the buffer cache. The definitions are the database's own (pg_get_indexdef, sqlite_master),
 * so what is rebuilt is exactly what the migrations made.
 */
async function setIndexesAside(db: Db, dialect: "sqlite" | "postgres"): Promise<SetAside[]> {
  const found =
    dialect === "postgres"
      ? (
          await sql<SetAside>`select i.relname as name, pg_get_indexdef(x.indexrelid) as definition
            from pg_index x
            join pg_class i on i.oid = x.indexrelid
            join pg_class t on t.oid = x.indrelid
            where t.relnamespace = current_schema()::regnamespace
              and t.relname in (${sql.join(LOADED_TABLES)})
              and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
            order by i.relname`.execute(db)
        ).rows
      : (
          await sql<SetAside>`select name, sql as definition from sqlite_master
            where type = 'index' and sql is not null and tbl_name in (${sql.join(LOADED_TABLES)})
            order by name`.execute(db)
        ).rows;
  for (const ix of found) await sql`drop index ${sql.id(ix.name)}`.execute(db);
  return found;
}

/** Builds the set-aside indexes again, on one connection with room to sort in memory. */
async function restoreIndexes(db: Db, dialect: "sqlite" | "postgres", indexes: SetAside[]) {
  if (!indexes.length) return;
  await db.connection().execute(async (c) => {
    if (dialect === "postgres") await sql`set maintenance_work_mem = '512MB'`.execute(c);
    for (const ix of indexes) await sql.raw(ix.definition).execute(c);
    if (dialect === "postgres") await sql`reset maintenance_work_mem`.execute(c);
  });
}

async function maxId(db: Db, table: string): Promise<number> {
  const r = await sql<{ m: number | string | null }>`select max(id) as m from ${sql.table(table)}`.execute(
    db,
  );
  return Number(r.rows[0]?.m ?? 0);
}

// --- The generator ---------------------------------------------------------------------------

type SiteState = {
  def: SiteDef;
  id: number;
  cal: BusinessCalendar;
  staff: number[];
  engineers: number[];
  teamId: number;
  contacts: Array<{ id: number; userId: number | null }>;
  number: number;
  lang: Lang;
};

export async function seedBench(database: DatabaseHandle, options: SeedOptions): Promise<SeedResult> {
  const { db, dialect } = database;
  const started = Date.now();
  const N = options.tickets;
  const r = prng(options.seed ?? 1);
  const now = options.now ?? Math.floor(Date.now() / DAY) * DAY;
  const from = now - 3 * YEAR;
  const userCount = Math.max(options.users ?? 5000, 300);
  const batchSize = options.batch ?? (dialect === "postgres" ? 2000 : 5000);

  const taken = await db
    .selectFrom("sites")
    .select("code")
    .where(
      "code",
      "in",
      BENCH_SITES.map((s) => s.code),
    )
    .execute();
  if (taken.length)
    throw new Error(
      `The database already has bench sites (${taken.map((t) => t.code).join(", ")}); seed an empty database`,
    );

  // Sites, counters, calendars with holidays, SLA policies, vendor teams.
  const sites: SiteState[] = [];
  const teamIds = new Map<string, number>();
  await db.transaction().execute(async (tx) => {
    for (const product of new Set(BENCH_SITES.map((s) => s.product))) {
      const slug = `bench-${product.toLowerCase()}`;
      const row = await tx
        .insertInto("vendor_teams")
        .values({ slug, name: `${product} core team (bench)`, product, created_at: from })
        .returning("id")
        .executeTakeFirstOrThrow();
      teamIds.set(product, row.id);
    }
    for (const def of BENCH_SITES) {
      const site = await tx
        .insertInto("sites")
        .values({
          code: def.code,
          name: `${def.country} civil registration`,
          country: def.country,
          product: def.product,
          product_version: VERSIONS[def.product] ?? null,
          time_zone: def.tz,
          languages: JSON.stringify(def.lang === "en" ? ["en"] : [def.lang, "en"]),
          created_at: from,
          updated_at: from,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await createSiteCounter(tx, site.id);
      const week = weekly(def.week);
      const cal = await tx
        .insertInto("calendars")
        .values({
          site_id: site.id,
          always_open: def.week === "always" ? 1 : 0,
          weekly: JSON.stringify(def.week === "always" ? [] : week),
          version: 1,
          updated_at: from,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const holidays: Array<{ date: string; name: string }> = [];
      const y0 = new Date(from).getUTCFullYear();
      const extra = 1 + (site.id % 9);
      for (let y = y0; y <= y0 + 4; y++) {
        holidays.push({ date: `${y}-01-01`, name: "New Year's Day" });
        holidays.push({ date: `${y}-05-01`, name: "Labour Day" });
        holidays.push({ date: `${y}-12-25`, name: "Christmas Day" });
        holidays.push({ date: `${y}-0${extra}-1${extra}`, name: "National day" });
      }
      await tx
        .insertInto("holidays")
        .values(holidays.map((h) => ({ calendar_id: cal.id, ...h })))
        .execute();
      await tx
        .insertInto("sla_policies")
        .values(
          (Object.keys(TARGETS) as Priority[]).map((priority) => {
            const [fr, nr, res] = TARGETS[priority];
            return {
              site_id: site.id,
              priority,
              tier: 0,
              first_response_minutes: fr,
              next_response_minutes: nr,
              resolution_minutes: res,
              warn_percent: WARN_PERCENT,
              updated_at: from,
            };
          }),
        )
        .execute();
      sites.push({
        def,
        id: site.id,
        cal: compileCalendar({
          timeZone: def.tz,
          alwaysOpen: def.week === "always",
          weekly: week,
          holidays,
        }),
        staff: [],
        engineers: [],
        teamId: teamIds.get(def.product) as number,
        contacts: [],
        number: 0,
        lang: def.lang,
      });
    }
  });

  // Users: the bench's own accounts, staff at each site, vendor engineers, and requesters.
  let userId = await maxId(db, "users");
  let contactId = await maxId(db, "contacts");
  const users: Row[] = [];
  const memberships: Row[] = [];
  const teamMembers: Row[] = [];
  const contacts: Row[] = [];
  const addUser = (email: string, name: string, hubAdmin = 0, language = "en") => {
    userId++;
    users.push([userId, email, name, null, hubAdmin, language, 0, from, from]);
    return userId;
  };
  addUser(BENCH_ADMIN, "Bench Admin", 1);
  const agent = addUser(BENCH_AGENT, "Bench Agent");
  for (const s of sites) {
    memberships.push([agent, s.id, "agent", from]);
    s.staff.push(agent);
    const roles = ["site_admin", "coordinator", "manager", "agent", "agent", "agent", "agent"];
    roles.forEach((role, i) => {
      const id = addUser(`${role}${i}.${s.def.code.toLowerCase()}@bench.test`, `${role} ${i} ${s.def.code}`);
      memberships.push([id, s.id, role, from]);
      if (role !== "manager") s.staff.push(id);
    });
  }
  for (const [product, teamId] of teamIds) {
    for (let i = 0; i < 5; i++) {
      const id = addUser(`engineer${i}.${product.toLowerCase()}@bench.test`, `${product} engineer ${i}`);
      teamMembers.push([id, teamId, from]);
      for (const s of sites) if (s.def.product === product) s.engineers.push(id);
    }
  }
  let u = 0;
  while (userId - (users[0]?.[0] as number) + 1 < userCount) {
    const s = sites[u % sites.length] as SiteState;
    const id = addUser(`requester${u}@bench.test`, `Requester ${u}`, 0, s.lang);
    memberships.push([id, s.id, "requester", from]);
    contactId++;
    contacts.push([
      contactId,
      s.id,
      `Requester ${u}`,
      `requester${u}@bench.test`,
      null,
      null,
      id,
      from,
      from,
    ]);
    s.contacts.push({ id: contactId, userId: id });
    u++;
  }
  // Site weights: a few big countries, a long tail of small ones.
  const weights = sites.map((_, i) => 1 / (i + 1) ** 0.8);
  const totalW = weights.reduce((a, b) => a + b, 0);
  const cumW: number[] = [];
  weights.reduce((acc, w) => {
    cumW.push((acc + w) / totalW);
    return acc + w;
  }, 0);
  // Contacts without an account: about one per three tickets of the site.
  for (const [i, s] of sites.entries()) {
    const want = Math.max(20, Math.round((N * (weights[i] as number)) / totalW / 3));
    for (let k = 0; k < want; k++) {
      contactId++;
      const kind = r();
      const email = kind < 0.6 ? `person${contactId}@mail.example` : null;
      const phone = kind >= 0.6 && kind < 0.8 ? `+${200000000 + contactId}` : null;
      const wa = kind >= 0.8 ? String(26_000_000_000 + contactId) : null;
      contacts.push([contactId, s.id, `Person ${contactId}`, email, phone, wa, null, from, from]);
      s.contacts.push({ id: contactId, userId: null });
    }
  }
  await db.transaction().execute(async (tx) => {
    const userSpec: TableSpec = {
      name: "users",
      cols: [
        ["id", "int4"],
        ["email", "text"],
        ["name", "text"],
        ["password_hash", "text"],
        ["is_hub_admin", "int4"],
        ["language", "text"],
        ["disabled", "int4"],
        ["created_at", "int8"],
        ["updated_at", "int8"],
      ],
    };
    await bulkInsert(tx, dialect, userSpec, users);
    await bulkInsert(
      tx,
      dialect,
      {
        name: "memberships",
        cols: [
          ["user_id", "int4"],
          ["site_id", "int4"],
          ["role", "text"],
          ["created_at", "int8"],
        ],
      },
      memberships,
    );
    await bulkInsert(
      tx,
      dialect,
      {
        name: "vendor_team_members",
        cols: [
          ["user_id", "int4"],
          ["team_id", "int4"],
          ["created_at", "int8"],
        ],
      },
      teamMembers,
    );
    for (let i = 0; i < contacts.length; i += 20_000)
      await bulkInsert(tx, dialect, T.contacts, contacts.slice(i, i + 20_000));
  });

  // Tickets, in time order, so ids grow with creation time as they do in production.
  let ticketId = await maxId(db, "tickets");
  let messageId = await maxId(db, "ticket_messages");
  let eventId = await maxId(db, "ticket_events");
  let segmentId = await maxId(db, "tier_segments");
  const counts = { messages: 0, events: 0, segments: 0, clocks: 0, rows: 0 };
  const span = now - 3600_000 - from;
  let pending: Promise<void> | null = null;
  let done = 0;

  const generate = (count: number) => {
    const out = {
      tickets: [] as Row[],
      messages: [] as Row[],
      events: [] as Row[],
      segments: [] as Row[],
      clocks: [] as Row[],
    };
    for (let k = 0; k < count; k++) {
      const i = done + k;
      const t0 = Math.floor(from + ((i + r()) / N) * span);
      const x = r();
      let si = 0;
      while ((cumW[si] as number) < x && si < sites.length - 1) si++;
      const s = sites[si] as SiteState;
      s.number++;
      ticketId++;
      const id = ticketId;
      const lang: Lang = s.lang !== "en" && r() < 0.75 ? s.lang : "en";
      const channel = weighted(r, CHANNEL_MIX);
      const category = weighted(r, CATEGORY_MIX);
      const priority = weighted(r, PRIORITY_MIX) as Priority;
      const age = now - t0;
      let status: Status = weighted(
        r,
        age < 2 * DAY ? STATUS_FRESH : age < 30 * DAY ? STATUS_RECENT : STATUS_OLD,
      );
      const tr = r();
      let path: number[] =
        tr < 0.63
          ? [1]
          : tr < 0.7
            ? [1, 2, 1]
            : tr < 0.92
              ? [1, 2]
              : priority === "critical"
                ? [1, 3]
                : [1, 2, 3];
      if ((status === "pending-vendor" || status === "deferred") && path[path.length - 1] !== 3)
        path = [1, 2, 3];
      if (status === "new") path = [1];
      const tier = path[path.length - 1] as number;
      const contact = pick(r, s.contacts);
      const module = pick(r, MODULES[s.def.product] ?? ["core"]);
      const staffer = pick(r, s.staff);
      const assignee = status === "new" ? null : tier === 3 && r() < 0.5 ? pick(r, s.engineers) : staffer;
      // Lifetime: minutes to weeks for finished tickets, up to now for open ones.
      const done_ = status === "resolved" || status === "closed";
      const life = Math.min(
        age - 60_000,
        done_ ? Math.floor(10 * 60_000 + r() ** 3 * 30 * DAY) : Math.floor(r() * age),
      );
      const end = t0 + Math.max(60_000, life);
      const mCount = 3 + Math.floor(r() * 8);
      const ev = (
        type: string,
        actor: number | null,
        before: object | null,
        after: object | null,
        at: number,
      ) => {
        eventId++;
        out.events.push([
          eventId,
          id,
          type,
          actor,
          before ? JSON.stringify(before) : null,
          after ? JSON.stringify(after) : null,
          at,
        ]);
      };
      const creator = channel === "web" || channel === "api" ? (contact.userId ?? staffer) : staffer;
      ev(
        "ticket.created",
        creator,
        null,
        { key: `${s.def.code}-${s.number}`, channel, priority, category, tier: 1 },
        t0,
      );
      // Thread: the description, then staff replies, requester replies and internal notes.
      let firstResponse: number | null = null;
      let last = t0;
      for (let m = 0; m < mCount; m++) {
        const at = m === 0 ? t0 : Math.floor(t0 + ((end - t0) * m) / mCount);
        last = at;
        messageId++;
        const fromStaff = m > 0 && status !== "new" && (m % 2 === 1 || r() < 0.3);
        const note = fromStaff && r() < 0.2;
        const body = bodyText(r, lang, fromStaff ? "staff" : "requester", module);
        if (fromStaff) {
          const by = assignee ?? staffer;
          out.messages.push([messageId, id, note ? "note" : "reply", by, null, body, "web", at]);
          if (!note && firstResponse === null) firstResponse = at;
          ev(note ? "note.added" : "reply.added", by, null, { messageId, attachments: [] }, at);
        } else {
          out.messages.push([messageId, id, "reply", contact.userId, contact.id, body, channel, at]);
          if (m > 0) ev("reply.added", contact.userId, null, { messageId, attachments: [] }, at);
        }
      }
      if (!done_ && status !== "new" && firstResponse === null) status = "open";
      // Tier history.
      let prevTier = 1;
      path.forEach((tr_, p) => {
        const at = p === 0 ? t0 : Math.floor(t0 + ((end - t0) * p) / (path.length + 1));
        const next = path[p + 1];
        const leftAt =
          next === undefined ? null : Math.floor(t0 + ((end - t0) * (p + 1)) / (path.length + 1));
        segmentId++;
        const reason =
          p === 0 ? "opened" : tr_ > prevTier ? "Needs deeper expertise" : "Answered by the next level";
        out.segments.push([segmentId, id, tr_, at, leftAt, p === 0 ? creator : staffer, reason]);
        if (p > 0) ev("tier.changed", staffer, { tier: prevTier }, { tier: tr_, reason }, at);
        prevTier = tr_;
      });
      const resolvedAt = done_ ? end : null;
      const closedAt = status === "closed" ? Math.min(now - 60_000, end + 2 * DAY) : null;
      if (resolvedAt) ev("ticket.updated", staffer, { status: "open" }, { status: "resolved" }, resolvedAt);
      if (closedAt) ev("ticket.updated", null, { status: "resolved" }, { status: "closed" }, closedAt);
      // SLA clocks with the SLA module's own pure functions.
      const [frT, , resT] = TARGETS[priority];
      const clocks: ClockRow[] = [];
      let fr = start(id, "first_response", frT, WARN_PERCENT, s.cal, t0);
      if (firstResponse !== null) fr = finish(fr, s.cal, firstResponse, "met");
      else if (done_) fr = finish(fr, s.cal, resolvedAt as number, "stopped");
      let res = start(id, "resolution", resT, WARN_PERCENT, s.cal, t0);
      if (done_) res = finish(res, s.cal, resolvedAt as number, "met");
      else if (status === "pending-requester" || status === "deferred") {
        res = pause(res, s.cal, last);
        if (fr.state === "running") fr = pause(fr, s.cal, last);
      }
      for (const c of [fr, res]) {
        // What the sweep would have recorded on time: breaches and warnings that are in the past.
        const breachAt =
          c.state === "running"
            ? c.due_at !== null && c.due_at <= now
              ? c.due_at
              : null
            : c.consumed_minutes > c.target_minutes
              ? Math.round(addBusinessMinutes(s.cal, c.started_at, c.target_minutes))
              : null;
        const warned = c.state === "running" && c.warn_at !== null && c.warn_at <= now ? c.warn_at : null;
        clocks.push({
          ...c,
          breached_at: breachAt,
          warned_at: warned,
          warn_at: warned !== null ? null : c.warn_at,
        });
      }
      for (const c of clocks)
        out.clocks.push([
          c.ticket_id,
          c.kind,
          c.state,
          c.target_minutes,
          c.consumed_minutes,
          c.running_since,
          c.started_at,
          c.due_at,
          c.warn_at,
          c.warn_percent,
          c.met_at,
          c.warned_at,
          c.breached_at,
        ]);
      const summary = summarize(clocks);
      const updatedAt = Math.max(last, end, closedAt ?? 0);
      const tags =
        r() < 0.15
          ? JSON.stringify([pick(r, ["campaign", "urgent-fix", "offline", "training-needed"])])
          : "[]";
      out.tickets.push([
        id,
        s.id,
        s.number,
        `${s.def.code}-${s.number}`,
        subjectText(r, lang, category, module),
        status,
        priority,
        PRIORITY_RANK[priority],
        category,
        tier,
        channel,
        contact.id,
        assignee,
        tier === 3 ? s.teamId : null,
        s.def.product,
        module,
        VERSIONS[s.def.product] ?? null,
        tags,
        creator,
        null,
        1,
        t0,
        updatedAt,
        firstResponse,
        resolvedAt,
        closedAt,
        summary.sla_due_at,
        summary.sla_state,
      ]);
    }
    done += count;
    return out;
  };

  const write = (b: ReturnType<typeof generate>) =>
    db.transaction().execute(async (tx) => {
      await bulkInsert(tx, dialect, T.tickets, b.tickets);
      await bulkInsert(tx, dialect, T.messages, b.messages);
      await bulkInsert(tx, dialect, T.events, b.events);
      await bulkInsert(tx, dialect, T.segments, b.segments);
      await bulkInsert(tx, dialect, T.clocks, b.clocks);
    });

  const setAside = await setIndexesAside(db, dialect);
  try {
    await load();
  } finally {
    // Also after a failed load, so that the database is never left without its indexes.
    options.onStage?.(`building ${setAside.length} indexes`);
    await restoreIndexes(db, dialect, setAside);
  }

  async function load() {
    while (done < N) {
      const b = generate(Math.min(batchSize, N - done));
      counts.messages += b.messages.length;
      counts.events += b.events.length;
      counts.segments += b.segments.length;
      counts.clocks += b.clocks.length;
      counts.rows +=
        b.tickets.length + b.messages.length + b.events.length + b.segments.length + b.clocks.length;
      // Generate the next batch while the database writes this one.
      if (pending) await pending;
      pending = write(b);
      options.onProgress?.({ done, total: N, rows: counts.rows, elapsedMs: Date.now() - started });
    }
    if (pending) await pending;
  }

  for (const s of sites) await setSiteCounter(db, s.id, s.number);
  if (dialect === "postgres") {
    for (const t of ["users", "contacts", "tickets", "ticket_messages", "ticket_events", "tier_segments"])
      await sql`select setval(pg_get_serial_sequence(${t}, 'id'), (select coalesce(max(id), 1) from ${sql.table(t)}))`.execute(
        db,
      );
  }
  options.onStage?.("analysing");
  await sql`analyze`.execute(db);
  const busiest = [...sites].sort((a, b) => b.number - a.number)[0] as SiteState;
  return {
    sites: sites.length,
    users: users.length,
    contacts: contacts.length,
    tickets: N,
    messages: counts.messages,
    events: counts.events,
    segments: counts.segments,
    clocks: counts.clocks,
    elapsedMs: Date.now() - started,
    agentEmail: BENCH_AGENT,
    adminEmail: BENCH_ADMIN,
    busiestSite: busiest.def.code,
  };
}
