import type { Db } from "../../db/database.js";
import type { Actor } from "../../shared/actor.js";
import { hasRole, SITE_READ_ROLES } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { forbidden, invalid, notFound } from "../../shared/errors.js";
import type { SitesService } from "../sites/sites.service.js";
import {
  type BusinessCalendar,
  BusinessCalendarError,
  type CalendarSpec,
  compileCalendar,
  type WeeklyInterval,
} from "../sla/business-time.js";
import { HolidaysIcsError, parseHolidaysIcs } from "../sla/holidays.ics.js";
import { type CalendarInput, type CalendarView, MAX_CALENDAR_HOLIDAYS } from "./calendars.schemas.js";

/** A site without a calendar of its own works Monday to Friday, 08:00 to 17:00 local time. */
export const DEFAULT_WEEK: WeeklyInterval[] = ([1, 2, 3, 4, 5] as const).map((day) => ({
  day,
  start: "08:00",
  end: "17:00",
}));

type Deps = { db: Db; clock: Clock; sites: SitesService };
/**
 * How long a process trusts the calendar version it last checked: every ticket write reads its site's
 * calendar. A change through this process drops it at once; the SLA recompute job reads past it.
 */
const CALENDAR_TTL_MS = 5_000;
type Stored = { id: number; version: number; spec: CalendarSpec; isDefault: boolean };
export type CalendarChangeListener = (tx: Db, siteId: number) => Promise<void>;

/** Business calendars per site: weekly hours in the site's time zone, public holidays, or 24/7. */
export function createCalendarsService({ db, clock, sites }: Deps) {
  const compiled = new Map<
    number,
    { version: number; timeZone: string; cal: BusinessCalendar; checkedAt: number }
  >();
  const listeners: CalendarChangeListener[] = [];

  async function stored(siteId: number, exec: Db = db): Promise<Stored> {
    const site = await sites.byId(siteId, exec);
    if (!site) throw notFound("site.not_found", "No such site");
    const row = await exec
      .selectFrom("calendars")
      .selectAll()
      .where("site_id", "=", siteId)
      .executeTakeFirst();
    if (!row)
      return {
        id: 0,
        version: 0,
        isDefault: true,
        spec: { timeZone: site.timeZone, weekly: DEFAULT_WEEK, holidays: [] },
      };
    const holidays = await exec
      .selectFrom("holidays")
      .select(["date", "name"])
      .where("calendar_id", "=", row.id)
      .orderBy("date")
      .execute();
    return {
      id: row.id,
      version: row.version,
      isDefault: false,
      spec: {
        timeZone: site.timeZone,
        alwaysOpen: row.always_open === 1,
        weekly: JSON.parse(row.weekly) as WeeklyInterval[],
        holidays: holidays.map((h) => ({ date: h.date, ...(h.name ? { name: h.name } : {}) })),
      },
    };
  }

  function compile(spec: CalendarSpec): BusinessCalendar {
    try {
      return compileCalendar(spec);
    } catch (e) {
      if (e instanceof BusinessCalendarError)
        throw invalid("calendar.invalid", e.message, [{ field: "weekly", message: e.message }]);
      throw e;
    }
  }

  async function siteFor(actor: Actor, code: string, write: boolean) {
    const { found } = await sites.resolveCodes([code]);
    const site = found[0];
    if (!site || !(actor.hubAdmin || hasRole(actor, site.id, SITE_READ_ROLES)))
      throw notFound("site.not_found", `No site ${code}`);
    if (write && !actor.hubAdmin) throw forbidden("calendar.forbidden", "Hub admins set business calendars");
    return site;
  }

  /** Saves the calendar, bumps its version and lets listeners (the SLA clocks) react in the same transaction. */
  async function save(siteId: number, spec: CalendarSpec) {
    const now = clock.now();
    await db.transaction().execute(async (tx) => {
      const current = await tx
        .selectFrom("calendars")
        .select(["id", "version"])
        .where("site_id", "=", siteId)
        .executeTakeFirst();
      let id: number;
      if (current) {
        id = current.id;
        await tx
          .updateTable("calendars")
          .set({
            always_open: spec.alwaysOpen ? 1 : 0,
            weekly: JSON.stringify(spec.weekly),
            version: current.version + 1,
            updated_at: now,
          })
          .where("id", "=", id)
          .execute();
        await tx.deleteFrom("holidays").where("calendar_id", "=", id).execute();
      } else {
        const created = await tx
          .insertInto("calendars")
          .values({
            site_id: siteId,
            always_open: spec.alwaysOpen ? 1 : 0,
            weekly: JSON.stringify(spec.weekly),
            version: 1,
            updated_at: now,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        id = created.id;
      }
      const unique = new Map(spec.holidays.map((h) => [h.date, h]));
      const rows = [...unique.values()].map((h) => ({ calendar_id: id, date: h.date, name: h.name ?? null }));
      for (let i = 0; i < rows.length; i += 500)
        await tx
          .insertInto("holidays")
          .values(rows.slice(i, i + 500))
          .execute();
      for (const listen of listeners) await listen(tx, siteId);
    });
    compiled.delete(siteId);
  }

  const view = (code: string, s: Stored): CalendarView => ({
    site: code,
    timeZone: s.spec.timeZone,
    alwaysOpen: !!s.spec.alwaysOpen,
    weekly: s.spec.weekly,
    holidays: s.spec.holidays,
    isDefault: s.isDefault,
    version: s.version,
  });

  return {
    /**
     * The compiled calendar of a site, cached until its version (or the site's time zone) changes; the
     * version is checked at most every CALENDAR_TTL_MS unless `fresh` asks for the latest.
     */
    async forSite(siteId: number, exec: Db = db, fresh = false): Promise<BusinessCalendar> {
      const site = await sites.byId(siteId, exec);
      const hit = compiled.get(siteId);
      const checkedAt = performance.now();
      if (hit && hit.timeZone === site?.timeZone && !fresh && checkedAt - hit.checkedAt < CALENDAR_TTL_MS)
        return hit.cal;
      const row = await exec
        .selectFrom("calendars")
        .select("version")
        .where("site_id", "=", siteId)
        .executeTakeFirst();
      const version = row?.version ?? 0;
      if (hit && hit.version === version && hit.timeZone === site?.timeZone) {
        hit.checkedAt = checkedAt;
        return hit.cal;
      }
      const s = await stored(siteId, exec);
      const cal = compile(s.spec);
      compiled.set(siteId, { version: s.version, timeZone: s.spec.timeZone, cal, checkedAt });
      return cal;
    },
    async get(actor: Actor, code: string): Promise<CalendarView> {
      const site = await siteFor(actor, code, false);
      return view(site.code, await stored(site.id));
    },
    async put(actor: Actor, code: string, input: CalendarInput): Promise<CalendarView> {
      const site = await siteFor(actor, code, true);
      const spec: CalendarSpec = {
        timeZone: site.timeZone,
        alwaysOpen: input.alwaysOpen,
        weekly: input.weekly as WeeklyInterval[],
        holidays: input.holidays,
      };
      compile(spec);
      await save(site.id, spec);
      return view(site.code, await stored(site.id));
    },
    /** Adds the holidays of an iCalendar file (all-day events) to the site's calendar. */
    async importHolidays(
      actor: Actor,
      code: string,
      ics: string,
    ): Promise<{ imported: number; calendar: CalendarView }> {
      const site = await siteFor(actor, code, true);
      let parsed: Array<{ date: string; name?: string }>;
      try {
        // Public-holiday feeds often start decades ago; expand recurring ones from a year back to
        // two years ahead (a later import brings the years after).
        const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
        parsed = parseHolidaysIcs(ics, {
          from: day(clock.now() - 366 * 86_400_000),
          to: day(clock.now() + 2 * 366 * 86_400_000),
        });
      } catch (e) {
        if (e instanceof HolidaysIcsError)
          throw invalid(`calendar.ics_${e.problem}`, e.message, [{ field: "body", message: e.message }]);
        throw e;
      }
      const current = await stored(site.id);
      const known = new Set(current.spec.holidays.map((h) => h.date));
      const added = parsed.filter((h) => !known.has(h.date));
      if (current.spec.holidays.length + added.length > MAX_CALENDAR_HOLIDAYS) {
        const message = `The calendar would hold more than ${MAX_CALENDAR_HOLIDAYS} holidays; remove past ones first`;
        throw invalid("calendar.ics_too_many", message, [{ field: "body", message }]);
      }
      await save(site.id, { ...current.spec, holidays: [...current.spec.holidays, ...added] });
      return { imported: added.length, calendar: view(site.code, await stored(site.id)) };
    },
    /** Called in the transaction that changes a calendar (wired once at start-up). */
    onChange(listener: CalendarChangeListener): void {
      listeners.push(listener);
    },
  };
}
export type CalendarsService = ReturnType<typeof createCalendarsService>;
