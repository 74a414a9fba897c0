import { IANAZone } from "luxon";

/**
 * Business time of a site's calendar: the pure arithmetic behind SLA due times (no database).
 *
 * How it is fast: a compiled calendar turns its weekly hours and holidays into open intervals as UTC
 * epoch-ms arrays with prefix sums of open time, one chunk of about a year at a time, built lazily and
 * cached. Every query is then a binary search; luxon (time-zone offsets) is used only while a chunk is
 * built, never on the hot path.
 *
 * Semantics, precisely:
 * - Open time is a union of half-open instants [open, close). Overlapping or touching intervals merge.
 * - A weekly interval with `end <= start` crosses midnight and closes at `end` on the next local day;
 *   `end` "24:00" (or "00:00") means the next local midnight. `start == end` is a 24-hour interval.
 * - A holiday closes its whole local day, [00:00, next 00:00), including the part of a night shift
 *   that spills into it from the day before.
 * - Local wall times map to instants as "the first instant at which the wall clock reads that time or
 *   later". So a time skipped by a spring-forward jump maps to the moment of the jump (01:00-03:00 on
 *   the spring-forward night in America/New_York lasts 1 real hour; 02:30-04:00 opens at 03:00), and a
 *   time repeated by a fall-back maps to its first occurrence (01:00-03:00 on the fall-back night lasts
 *   3 real hours; an interval ending 01:30 closes at the first 01:30 and does not reopen).
 * - Due times: for m > 0, addBusinessMinutes(start, m) is the earliest instant t with
 *   businessMinutesBetween(start, t) == m, so t is inside an open interval or exactly at its close and
 *   the millisecond before t is always open; for m == 0 it is nextOpening(start); for m < 0 it is the
 *   earliest t with businessMinutesBetween(t, start) == -m (for clocks that were already overdue).
 * - `alwaysOpen` is 24/7 by plain arithmetic; its weekly hours and holidays are ignored.
 * - A calendar without open time (no weekly interval and not alwaysOpen) is refused by compileCalendar.
 *   If holidays close more than MAX_EMPTY_CHUNKS chunks (about 30 years) in a row, the functions that
 *   search forward or backward throw instead of looping.
 * - businessMinutesBetween costs one step per year spanned (after the years are built).
 * - Minutes may be fractional, so returned epoch ms may be fractional too; integer minutes from an
 *   integer ms start give integer ms.
 */

export type WeeklyInterval = { day: 0 | 1 | 2 | 3 | 4 | 5 | 6; start: string; end: string };
export type Holiday = { date: string; name?: string };
export type CalendarSpec = {
  timeZone: string;
  alwaysOpen?: boolean;
  weekly: WeeklyInterval[];
  holidays: Holiday[];
};

/** A compiled calendar; build it with compileCalendar and keep it (it caches the years it has seen). */
export interface BusinessCalendar {
  readonly timeZone: string;
  readonly alwaysOpen: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Chunks are fixed UTC ranges, so the chunk of an instant is one division. */
const CHUNK_MS = 365.25 * DAY;
const MAX_EMPTY_CHUNKS = 30;
/** Date (and luxon) can represent ±8.64e15 ms; keep a margin for the days built around a chunk. */
const MAX_CHUNK = Math.floor(8.6e15 / CHUNK_MS);

/** Open intervals of one chunk: [starts[i], ends[i]) sorted and disjoint; cum[i] = open ms before interval i. */
type Chunk = { n: number; starts: Float64Array; ends: Float64Array; cum: Float64Array; total: number };
type DayInterval = { startMin: number; endMin: number; crosses: boolean };

export class BusinessCalendarError extends Error {
  override name = "BusinessCalendarError";
}

/** Validates a calendar spec (throws BusinessCalendarError saying what is wrong) and compiles it. */
export function compileCalendar(spec: CalendarSpec): BusinessCalendar {
  if (!spec || typeof spec !== "object") invalid("the spec must be an object");
  const timeZone = spec.timeZone;
  if (typeof timeZone !== "string" || !IANAZone.isValidZone(timeZone)) {
    invalid(`unknown IANA time zone ${JSON.stringify(timeZone)}`);
  }
  if (!Array.isArray(spec.weekly)) invalid("weekly must be an array");
  if (!Array.isArray(spec.holidays)) invalid("holidays must be an array");
  const byDay: DayInterval[][] = [[], [], [], [], [], [], []];
  spec.weekly.forEach((w, i) => {
    const day = byDay[w?.day];
    if (!Number.isInteger(w?.day) || day === undefined) invalid(`weekly[${i}].day must be 0 (Sunday) to 6`);
    const startMin = parseClock(w.start, false);
    const endMin = parseClock(w.end, true);
    if (startMin === null) invalid(`weekly[${i}].start must be "HH:MM" from 00:00 to 23:59`);
    if (endMin === null) invalid(`weekly[${i}].end must be "HH:MM" from 00:00 to 24:00`);
    day.push({ startMin, endMin, crosses: endMin <= startMin });
  });
  const holidays = new Set<number>();
  spec.holidays.forEach((h, i) => {
    const day = parseDate(h?.date);
    if (day === null) invalid(`holidays[${i}].date must be a real date "YYYY-MM-DD"`);
    holidays.add(day);
  });
  const alwaysOpen = spec.alwaysOpen === true;
  if (!alwaysOpen && spec.weekly.length === 0) {
    invalid("no open hours (weekly is empty and alwaysOpen is not set)");
  }
  return new Calendar(timeZone, alwaysOpen, byDay, holidays);
}

function invalid(what: string): never {
  throw new BusinessCalendarError(`Invalid business calendar: ${what}`);
}

/** Epoch ms at which `minutes` business minutes after startMs have passed (negative minutes go back). */
export function addBusinessMinutes(cal: BusinessCalendar, startMs: number, minutes: number): number {
  return (cal as Calendar).add(startMs, minutes);
}

/** Business minutes in [fromMs, toMs); 0 when toMs <= fromMs. */
export function businessMinutesBetween(cal: BusinessCalendar, fromMs: number, toMs: number): number {
  return (cal as Calendar).between(fromMs, toMs);
}

/** Whether the instant is in open time (intervals are closed at their start, open at their end). */
export function isOpen(cal: BusinessCalendar, ms: number): boolean {
  return (cal as Calendar).isOpen(ms);
}

/** The first open instant at or after ms (ms itself when open). */
export function nextOpening(cal: BusinessCalendar, ms: number): number {
  return (cal as Calendar).nextOpening(ms);
}

class Calendar implements BusinessCalendar {
  private readonly zone: IANAZone;
  private readonly chunks = new Map<number, Chunk>();
  private lastK = Number.NaN;
  private lastChunk: Chunk | undefined;

  constructor(
    readonly timeZone: string,
    readonly alwaysOpen: boolean,
    private readonly byDay: DayInterval[][],
    private readonly holidays: Set<number>,
  ) {
    this.zone = IANAZone.create(timeZone);
  }

  add(start: number, minutes: number): number {
    finite(start, "startMs");
    finite(minutes, "minutes");
    if (this.alwaysOpen) return start + minutes * MINUTE;
    if (minutes < 0) return this.subtract(start, -minutes * MINUTE);
    let k = Math.floor(start / CHUNK_MS);
    let c = this.chunk(k);
    let remaining = minutes * MINUTE;
    const i = firstEndAfter(c, start);
    if (i < c.n) {
      const target = (c.cum[i] as number) + Math.max(0, start - (c.starts[i] as number)) + remaining;
      if (target <= c.total) return locate(c, i, target);
      remaining = target - c.total;
    }
    // The rest lies in later chunks; remaining > 0 here except for 0 minutes after the chunk's last opening.
    for (let empty = 0; ; ) {
      c = this.chunk(++k);
      if (c.n > 0 && remaining <= c.total) return locate(c, 0, remaining);
      remaining -= c.total;
      empty = c.n === 0 ? empty + 1 : 0;
      if (empty > MAX_EMPTY_CHUNKS) throw noOpenTime(start);
    }
  }

  /** The earliest instant t with `back` ms of open time in [t, start). */
  private subtract(start: number, back: number): number {
    let k = Math.floor(start / CHUNK_MS);
    let c = this.chunk(k);
    let target = position(c, start) - back;
    for (let empty = 0; ; ) {
      if (target > 0) return locate(c, 0, target);
      c = this.chunk(--k);
      target += c.total;
      empty = c.n === 0 ? empty + 1 : 0;
      if (empty > MAX_EMPTY_CHUNKS) throw noOpenTime(start);
    }
  }

  between(from: number, to: number): number {
    finite(from, "fromMs");
    finite(to, "toMs");
    if (!(to > from)) return 0;
    if (this.alwaysOpen) return (to - from) / MINUTE;
    const kf = Math.floor(from / CHUNK_MS);
    const kt = Math.floor(to / CHUNK_MS);
    const cf = this.chunk(kf);
    if (kf === kt) return (position(cf, to) - position(cf, from)) / MINUTE;
    let ms = cf.total - position(cf, from);
    for (let k = kf + 1; k < kt; k++) ms += this.chunk(k).total;
    return (ms + position(this.chunk(kt), to)) / MINUTE;
  }

  isOpen(ms: number): boolean {
    finite(ms, "ms");
    if (this.alwaysOpen) return true;
    const c = this.chunk(Math.floor(ms / CHUNK_MS));
    const i = firstEndAfter(c, ms);
    return i < c.n && (c.starts[i] as number) <= ms;
  }

  nextOpening(ms: number): number {
    finite(ms, "ms");
    if (this.alwaysOpen) return ms;
    let k = Math.floor(ms / CHUNK_MS);
    let c = this.chunk(k);
    const i = firstEndAfter(c, ms);
    if (i < c.n) return Math.max(ms, c.starts[i] as number);
    for (let empty = 0; empty <= MAX_EMPTY_CHUNKS; empty++) {
      c = this.chunk(++k);
      if (c.n > 0) return c.starts[0] as number;
    }
    throw noOpenTime(ms);
  }

  private chunk(k: number): Chunk {
    if (k === this.lastK) return this.lastChunk as Chunk;
    let c = this.chunks.get(k);
    if (c === undefined) {
      if (k > MAX_CHUNK || k < -MAX_CHUNK)
        throw new RangeError("business time: date outside the supported range");
      c = this.build(k);
      this.chunks.set(k, c);
    }
    this.lastK = k;
    this.lastChunk = c;
    return c;
  }

  /** Lays the weekly hours on every local day that can touch the chunk, removes holidays, clips to it. */
  private build(k: number): Chunk {
    const from = k * CHUNK_MS;
    const to = (k + 1) * CHUNK_MS;
    const toUtc = localToUtc(this.zone, k);
    // A local day starts at most 14 h off UTC and an interval lasts at most 24 h from its day's start.
    const firstDay = Math.floor(from / DAY) - 3;
    const lastDay = Math.floor(to / DAY) + 1;
    const open: [number, number][] = [];
    const closed: [number, number][] = [];
    for (let d = firstDay; d <= lastDay; d++) {
      const midnight = d * DAY;
      for (const w of this.byDay[(((d + 4) % 7) + 7) % 7] ?? []) {
        const s = toUtc(midnight + w.startMin * MINUTE);
        const e = toUtc(midnight + (w.crosses ? DAY : 0) + w.endMin * MINUTE);
        if (e > s) open.push([s, e]);
      }
      if (this.holidays.has(d)) closed.push([toUtc(midnight), toUtc(midnight + DAY)]);
    }
    const pieces = clip(subtract(merge(open), merge(closed)), from, to);
    const n = pieces.length;
    const starts = new Float64Array(n);
    const ends = new Float64Array(n);
    const cum = new Float64Array(n + 1);
    pieces.forEach(([s, e], i) => {
      starts[i] = s;
      ends[i] = e;
      cum[i + 1] = (cum[i] as number) + (e - s);
    });
    return { n, starts, ends, cum, total: cum[n] as number };
  }
}

/** The index of the first interval ending after ms (n when none). */
function firstEndAfter(c: Chunk, ms: number): number {
  const ends = c.ends;
  let lo = 0;
  let hi = c.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ends[mid] as number) > ms) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The instant at which the chunk's open time reaches `target` ms, searching intervals from `lo`. */
function locate(c: Chunk, lo: number, target: number): number {
  const cum = c.cum;
  let hi = c.n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cum[mid + 1] as number) >= target) hi = mid;
    else lo = mid + 1;
  }
  return (c.starts[lo] as number) + (target - (cum[lo] as number));
}

/** Open ms of the chunk before the instant. */
function position(c: Chunk, ms: number): number {
  const i = firstEndAfter(c, ms);
  return i === c.n ? c.total : (c.cum[i] as number) + Math.max(0, ms - (c.starts[i] as number));
}

type OffsetSegments = { segFrom: number[]; segOff: number[] };
/** Offset changes depend only on the zone and the chunk, so calendars of one zone share them. */
const offsetCache = new Map<string, OffsetSegments>();

/**
 * Maps local wall time (ms as if the wall clock were UTC) to the first instant at which the zone's wall
 * clock reads that time or later, for instants around chunk k. Offsets are sampled every 12 h and each
 * change is pinned to the millisecond, so luxon is called per sample (once per zone and chunk), not per
 * conversion.
 */
function localToUtc(zone: IANAZone, k: number): (local: number) => number {
  const key = `${zone.name} ${k}`;
  let cached = offsetCache.get(key);
  if (cached === undefined) {
    cached = offsetSegments(zone, k * CHUNK_MS - 5 * DAY, (k + 1) * CHUNK_MS + 5 * DAY);
    offsetCache.set(key, cached);
  }
  const { segFrom, segOff } = cached;
  return (local) => {
    // Within a segment the wall clock is u + offset; the first segment where it reaches `local` wins.
    for (let i = 0; i < segFrom.length; i++) {
      const candidate = Math.max(segFrom[i] as number, local - (segOff[i] as number));
      if (i + 1 === segFrom.length || candidate < (segFrom[i + 1] as number)) return candidate;
    }
    throw new Error("unreachable: the last segment is unbounded");
  };
}

function offsetSegments(zone: IANAZone, from: number, to: number): OffsetSegments {
  const segFrom: number[] = [from];
  const segOff: number[] = [zone.offset(from) * MINUTE];
  const step = 12 * HOUR;
  for (let u = from; u < to; u += step) {
    const before = segOff[segOff.length - 1] as number;
    const after = zone.offset(u + step) * MINUTE;
    if (after === before) continue;
    let lo = u;
    let hi = u + step;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (zone.offset(mid) * MINUTE === before) lo = mid;
      else hi = mid;
    }
    segFrom.push(hi);
    segOff.push(after);
  }
  return { segFrom, segOff };
}

function merge(list: [number, number][]): [number, number][] {
  list.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of list) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** open minus closed; both sorted and disjoint. */
function subtract(open: [number, number][], closed: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let j = 0;
  for (const [s0, e] of open) {
    let s = s0;
    while (j < closed.length && (closed[j] as [number, number])[1] <= s) j++;
    for (let m = j; m < closed.length && s < e; m++) {
      const [cs, ce] = closed[m] as [number, number];
      if (cs >= e) break;
      if (cs > s) out.push([s, cs]);
      s = Math.max(s, ce);
    }
    if (s < e) out.push([s, e]);
  }
  return out;
}

function clip(list: [number, number][], from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [s, e] of list) {
    const cs = Math.max(s, from);
    const ce = Math.min(e, to);
    if (ce > cs) out.push([cs, ce]);
  }
  return out;
}

/** "HH:MM" to minutes of the day; "24:00" only where allowed; null when malformed. */
function parseClock(value: unknown, allow24: boolean): number | null {
  if (typeof value !== "string") return null;
  const m = /^(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59) return null;
  return minutes < 1440 || (allow24 && minutes === 1440) ? minutes : null;
}

/** "YYYY-MM-DD" to days since 1970-01-01; null when malformed or not a real date. */
function parseDate(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.getTime() / DAY;
}

function finite(value: number, name: string): void {
  if (!Number.isFinite(value)) throw new RangeError(`business time: ${name} must be a finite number`);
}

function noOpenTime(ms: number): Error {
  return new BusinessCalendarError(
    `business calendar has no open time for ${MAX_EMPTY_CHUNKS} years around ${new Date(ms).toISOString()}`,
  );
}
