import ICAL from "ical.js";
import type { Holiday } from "./business-time.js";

/**
 * Public holidays from an iCalendar (RFC 5545) file, as published by governments and calendar services.
 *
 * - Only all-day events count (DTSTART;VALUE=DATE); timed events (a meeting, a half-day closing) are
 *   ignored because a holiday closes whole local days. Cancelled events and occurrences are ignored.
 * - DTEND is exclusive, so a multi-day event gives each of its dates; without DTEND, DURATION or one day.
 * - Recurring events (RRULE, RDATE, EXDATE, moved occurrences with RECURRENCE-ID) are expanded over a
 *   bounded window: [range.from, range.to] when given, otherwise 10 years from `range.from`, or from the
 *   event's DTSTART when there is no range at all. Holiday feeds often start in the past (DTSTART 1990),
 *   so callers should pass a range around the years they need.
 * - The work one file can cause is bounded, since expanding a recurrence is slow (ical.js walks it from
 *   DTSTART): an all-day event repeating more often than daily is refused ("too_frequent"); a file whose
 *   recurrences are walked more than 2,000 times for one event or 5,000 in all, that gives more than
 *   500 holidays or that holds more than 5,000 events is refused ("too_many") rather than expanded.
 * - One Holiday per date, sorted; names of events on the same date are joined with " / ".
 * - Anything malformed (not iCalendar, no VCALENDAR, an event without DTSTART, an impossible date, an
 *   end before the start, a date range that is not "YYYY-MM-DD") throws HolidaysIcsError ("invalid").
 */
export type HolidayRange = { from?: string; to?: string };

/** Why a file was refused: malformed, repeating more often than daily, or more work or holidays than allowed. */
export type HolidaysIcsProblem = "invalid" | "too_frequent" | "too_many";

export class HolidaysIcsError extends Error {
  override name = "HolidaysIcsError";
  constructor(
    message: string,
    readonly problem: HolidaysIcsProblem = "invalid",
  ) {
    super(message);
  }
}

const DAY = 86_400_000;
const DEFAULT_YEARS = 10;
/** Bounds on the work one file can cause: occurrences walked per recurring event and in all, days per event. */
const MAX_OCCURRENCES = 2_000;
const MAX_WALKED = 5_000;
const MAX_EVENT_DAYS = 366;
/** More events than this in one file is not a holiday calendar either. */
const MAX_EVENTS = 5_000;
/** More holidays than this from one file is not a holiday calendar. */
export const MAX_HOLIDAYS = 500;
const SUB_DAILY = new Set(["SECONDLY", "MINUTELY", "HOURLY"]);

type Window = { from: number; to: number };

/** Parses the holidays of an iCalendar file (see the rules above). */
export function parseHolidaysIcs(text: string, range: HolidayRange = {}): Holiday[] {
  if (typeof text !== "string" || text.trim() === "") fail("the file is empty");
  const from = range.from === undefined ? undefined : parseRangeDate(range.from, "range.from");
  const to = range.to === undefined ? undefined : parseRangeDate(range.to, "range.to");
  if (from !== undefined && to !== undefined && to < from) fail("range.to is before range.from");

  let jcal: unknown[];
  try {
    jcal = ICAL.parse(text) as unknown[];
  } catch (error) {
    fail(`not a readable iCalendar file (${(error as Error).message})`);
  }
  const roots = (Array.isArray(jcal[0]) ? jcal : [jcal]).map((j) => new ICAL.Component(j as unknown[]));
  if (roots.length === 0 || roots.some((root) => root.name !== "vcalendar")) fail("no VCALENDAR found");

  const names = new Map<number, string[]>();
  const add = (day: number, name: string | undefined) => {
    const list = names.get(day) ?? [];
    if (name && !list.includes(name)) list.push(name);
    names.set(day, list);
    if (names.size > MAX_HOLIDAYS) fail(`it gives more than ${MAX_HOLIDAYS} holidays`, "too_many");
  };
  const budget = { walked: 0 };
  const vevents = roots.flatMap((root) => root.getAllSubcomponents("vevent"));
  if (vevents.length > MAX_EVENTS) fail(`it holds more than ${MAX_EVENTS} events`, "too_many");
  const masterUids = new Set(
    vevents.filter((v) => !v.hasProperty("recurrence-id")).map((v) => v.getFirstPropertyValue("uid")),
  );
  // Each event is given its own moved occurrences: left to itself, ical.js looks through every event
  // of the calendar for each one (the square of their number) and takes other events' as well.
  const movedByUid = new Map<unknown, ICAL.Component[]>();
  for (const v of vevents) {
    if (!v.hasProperty("recurrence-id")) continue;
    const uid = v.getFirstPropertyValue("uid");
    const list = movedByUid.get(uid);
    if (list) list.push(v);
    else movedByUid.set(uid, [v]);
  }
  function addEvent(vevent: ICAL.Component, index: number): void {
    if (!isAllDay(vevent, index)) return;
    const exceptions = vevent.hasProperty("recurrence-id")
      ? []
      : (movedByUid.get(vevent.getFirstPropertyValue("uid")) ?? []);
    const event = new ICAL.Event(vevent, { exceptions });
    // A moved occurrence is applied through its master; one whose master is missing stands alone.
    if (event.isRecurrenceException() && masterUids.has(event.uid)) return;
    if (isCancelled(event)) return;
    const start = dayOf(event.startDate);
    if (event.isRecurring()) {
      refuseSubDaily(vevent, label(event, index));
      const windowFrom = from ?? start;
      const window = { from: windowFrom, to: to ?? addYears(windowFrom, DEFAULT_YEARS) - 1 };
      expand(event, window, label(event, index), add, budget);
    } else {
      const window = { from: from ?? Number.NEGATIVE_INFINITY, to: to ?? Number.POSITIVE_INFINITY };
      addDays(start, dayOf(event.endDate), event.summary, window, label(event, index), add);
    }
  }
  for (const [index, vevent] of vevents.entries()) {
    try {
      addEvent(vevent, index);
    } catch (error) {
      if (error instanceof HolidaysIcsError) throw error;
      // ical.js throws on some values it cannot read (a recurrence that never advances, and the like)
      fail(`event ${index + 1} cannot be read (${(error as Error).message})`);
    }
  }
  return [...names.entries()]
    .sort(([a], [b]) => a - b)
    .map(([day, list]) =>
      list.length > 0 ? { date: isoDate(day), name: list.join(" / ") } : { date: isoDate(day) },
    );
}

/** A holiday repeating by the second, minute or hour makes no sense and would be walked for ever. */
function refuseSubDaily(vevent: ICAL.Component, what: string): void {
  for (const rule of vevent.getAllProperties("rrule")) {
    const freq = String((rule.getFirstValue() as { freq?: string } | null)?.freq ?? "").toUpperCase();
    if (SUB_DAILY.has(freq))
      fail(`${what} repeats ${freq.toLowerCase()}; holidays repeat daily at most`, "too_frequent");
  }
}

function expand(
  event: ICAL.Event,
  window: Window,
  what: string,
  add: (day: number, name: string | undefined) => void,
  budget: { walked: number },
): void {
  let count = 0;
  const iterator = event.iterator();
  for (let next = iterator.next(); next; next = iterator.next()) {
    if (++count > MAX_OCCURRENCES)
      fail(`${what} repeats more than ${MAX_OCCURRENCES} times before the end of the range`, "too_many");
    if (++budget.walked > MAX_WALKED)
      fail(`its recurring events repeat more than ${MAX_WALKED} times in all`, "too_many");
    const details = event.getOccurrenceDetails(next);
    const start = dayOf(details.startDate);
    if (dayOf(next) > window.to && start > window.to) break;
    if (isCancelled(details.item)) continue;
    addDays(start, dayOf(details.endDate), details.item.summary, window, what, add);
  }
}

function addDays(
  start: number,
  end: number,
  name: string | undefined,
  window: Window,
  what: string,
  add: (day: number, name: string | undefined) => void,
): void {
  if (end <= start) fail(`${what} ends before it starts`);
  if (end - start > MAX_EVENT_DAYS) fail(`${what} lasts more than ${MAX_EVENT_DAYS} days`);
  for (let day = Math.max(start, window.from); day < end && day <= window.to; day++)
    add(day, name?.trim() || undefined);
}

/** Checks DTSTART/DTEND of one VEVENT; false for a timed event, which is not a holiday. */
function isAllDay(vevent: ICAL.Component, index: number): boolean {
  const what = `event ${index + 1}`;
  const dtstart = vevent.getFirstProperty("dtstart");
  if (!dtstart) fail(`${what} has no DTSTART`);
  checkDate(dtstart, `${what} DTSTART`);
  if (dtstart.type !== "date") return false;
  const dtend = vevent.getFirstProperty("dtend");
  if (dtend) {
    if (dtend.type !== "date") fail(`${what} has an all-day DTSTART but a DTEND with a time`);
    checkDate(dtend, `${what} DTEND`);
  }
  return true;
}

/** ical.js rolls impossible dates over (2025-02-30 becomes March 2), so check the text as written. */
function checkDate(property: ICAL.Property, what: string): void {
  const raw = property.toJSON()[3];
  const date = typeof raw === "string" ? raw.slice(0, 10) : "";
  if (parseDate(date) === null) fail(`${what} is not a valid date (${JSON.stringify(raw)})`);
}

function isCancelled(event: ICAL.Event): boolean {
  return String(event.component.getFirstPropertyValue("status") ?? "").toUpperCase() === "CANCELLED";
}

function label(event: ICAL.Event, index: number): string {
  return event.summary ? `event ${index + 1} (${JSON.stringify(event.summary)})` : `event ${index + 1}`;
}

function dayOf(time: ICAL.Time): number {
  return Date.UTC(time.year, time.month - 1, time.day) / DAY;
}

function addYears(day: number, years: number): number {
  const d = new Date(day * DAY);
  return Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), d.getUTCDate()) / DAY;
}

function isoDate(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

function parseRangeDate(value: string, what: string): number {
  const day = parseDate(value);
  if (day === null) fail(`${what} must be a real date "YYYY-MM-DD"`);
  return day;
}

function parseDate(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = Date.UTC(y, mo - 1, d) / DAY;
  return isoDate(day) === value ? day : null;
}

function fail(what: string, problem: HolidaysIcsProblem = "invalid"): never {
  const lead = problem === "invalid" ? "Invalid iCalendar holidays file" : "iCalendar holidays file refused";
  throw new HolidaysIcsError(`${lead}: ${what}`, problem);
}
