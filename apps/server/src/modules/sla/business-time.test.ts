import fc from "fast-check";
import { DateTime, IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import {
  addBusinessMinutes as add,
  BusinessCalendarError,
  businessMinutesBetween as between,
  type CalendarSpec,
  compileCalendar,
  isOpen,
  nextOpening,
  type WeeklyInterval,
} from "./business-time.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const weekdays = (start: string, end: string, days: WeeklyInterval["day"][] = [1, 2, 3, 4, 5]) =>
  days.map((day) => ({ day, start, end }));
const officeHours = (timeZone: string, holidays: string[] = []) =>
  compileCalendar({
    timeZone,
    weekly: weekdays("09:00", "17:00"),
    holidays: holidays.map((date) => ({ date })),
  });
/** Epoch ms of a local wall time such as "2025-03-07T16:00". */
const at = (timeZone: string, local: string) => DateTime.fromISO(local, { zone: timeZone }).toMillis();
/** An instant shown as local weekday, date, time and UTC offset, to compare with hand-checked values. */
const show = (timeZone: string, ms: number) =>
  DateTime.fromMillis(ms, { zone: timeZone, locale: "en" }).toFormat("ccc yyyy-MM-dd HH:mm ZZ");

describe("due times across daylight-saving changes (hand-checked)", () => {
  it("in New York, Friday 16:00 plus 120 business minutes is Monday 10:00 across the spring-forward weekend", () => {
    const due = add(officeHours("America/New_York"), at("America/New_York", "2025-03-07T16:00"), 120);
    expect(show("America/New_York", due)).toBe("Mon 2025-03-10 10:00 -04:00");
    expect(due).toBe(Date.UTC(2025, 2, 10, 14));
  });

  it("in New York, Friday 16:00 plus 120 business minutes is Monday 10:00 across the fall-back weekend", () => {
    const due = add(officeHours("America/New_York"), at("America/New_York", "2025-10-31T16:00"), 120);
    expect(show("America/New_York", due)).toBe("Mon 2025-11-03 10:00 -05:00");
    expect(due).toBe(Date.UTC(2025, 10, 3, 15));
  });

  it("in London, Friday 16:00 plus 120 business minutes is Monday 10:00 across the spring-forward weekend", () => {
    const due = add(officeHours("Europe/London"), at("Europe/London", "2025-03-28T16:00"), 120);
    expect(show("Europe/London", due)).toBe("Mon 2025-03-31 10:00 +01:00");
    expect(due).toBe(Date.UTC(2025, 2, 31, 9));
  });

  it("in London, Friday 16:00 plus 120 business minutes is Monday 10:00 across the fall-back weekend", () => {
    const due = add(officeHours("Europe/London"), at("Europe/London", "2025-10-24T16:00"), 120);
    expect(show("Europe/London", due)).toBe("Mon 2025-10-27 10:00 +00:00");
    expect(due).toBe(Date.UTC(2025, 9, 27, 10));
  });

  it("in Lusaka, which has no daylight saving, Friday 16:00 plus 120 business minutes is Monday 10:00", () => {
    const due = add(officeHours("Africa/Lusaka"), at("Africa/Lusaka", "2025-03-28T16:00"), 120);
    expect(show("Africa/Lusaka", due)).toBe("Mon 2025-03-31 10:00 +02:00");
    expect(due).toBe(Date.UTC(2025, 2, 31, 8));
  });

  it("in Dhaka, with a Sunday-to-Thursday week, Thursday 16:00 plus 120 business minutes is Sunday 10:00", () => {
    const cal = compileCalendar({
      timeZone: "Asia/Dhaka",
      weekly: weekdays("09:00", "17:00", [0, 1, 2, 3, 4]),
      holidays: [],
    });
    const due = add(cal, at("Asia/Dhaka", "2025-03-27T16:00"), 120);
    expect(show("Asia/Dhaka", due)).toBe("Sun 2025-03-30 10:00 +06:00");
    expect(due).toBe(Date.UTC(2025, 2, 30, 4));
  });

  it("every week of office hours holds 40 business hours whatever the daylight-saving changes", () => {
    for (const zone of ["America/New_York", "Europe/London", "Africa/Lusaka"]) {
      const cal = officeHours(zone);
      for (let monday = at(zone, "2024-12-30T00:00"); monday < at(zone, "2026-01-05T00:00"); ) {
        const next = DateTime.fromMillis(monday, { zone }).plus({ weeks: 1 }).toMillis();
        expect(between(cal, monday, next)).toBe(2400);
        monday = next;
      }
    }
  });

  it("an interval 01:00-03:00 lasts 1 real hour on the spring-forward night and 3 on the fall-back night in New York", () => {
    const cal = compileCalendar({
      timeZone: "America/New_York",
      weekly: [{ day: 0, start: "01:00", end: "03:00" }],
      holidays: [],
    });
    const sunday = (date: string) =>
      between(cal, at("America/New_York", `${date}T00:00`), at("America/New_York", `${date}T12:00`));
    expect(sunday("2025-03-02")).toBe(120);
    expect(sunday("2025-03-09")).toBe(60);
    expect(sunday("2025-11-02")).toBe(180);
    expect(nextOpening(cal, Date.UTC(2025, 10, 2))).toBe(Date.UTC(2025, 10, 2, 5)); // 01:00 EDT, the first 01:00
  });

  it("an interval that starts at a skipped local time opens at the moment the clocks jump", () => {
    const cal = compileCalendar({
      timeZone: "America/New_York",
      weekly: [{ day: 0, start: "02:30", end: "04:00" }],
      holidays: [],
    });
    expect(nextOpening(cal, at("America/New_York", "2025-03-08T12:00"))).toBe(Date.UTC(2025, 2, 9, 7)); // 03:00 EDT
    expect(show("America/New_York", Date.UTC(2025, 2, 9, 7))).toBe("Sun 2025-03-09 03:00 -04:00");
    expect(between(cal, Date.UTC(2025, 2, 9), Date.UTC(2025, 2, 10))).toBe(60);
    expect(between(cal, Date.UTC(2025, 2, 16), Date.UTC(2025, 2, 17))).toBe(90);
  });

  it("an interval that ends at a repeated local time closes at its first occurrence and does not reopen", () => {
    const cal = compileCalendar({
      timeZone: "America/New_York",
      weekly: [{ day: 0, start: "00:00", end: "01:30" }],
      holidays: [],
    });
    expect(isOpen(cal, Date.UTC(2025, 10, 2, 5, 29))).toBe(true); // 01:29 EDT
    expect(isOpen(cal, Date.UTC(2025, 10, 2, 5, 30))).toBe(false); // 01:30 EDT
    expect(isOpen(cal, Date.UTC(2025, 10, 2, 6, 15))).toBe(false); // 01:15 EST, the second time round
    expect(between(cal, Date.UTC(2025, 10, 2), Date.UTC(2025, 10, 3))).toBe(90);
  });

  it("a London night shift from Saturday 22:00 to Sunday 06:00 lasts 7 hours in spring and 9 in autumn", () => {
    const cal = compileCalendar({
      timeZone: "Europe/London",
      weekly: [{ day: 6, start: "22:00", end: "06:00" }],
      holidays: [],
    });
    expect(between(cal, Date.UTC(2025, 2, 29, 12), Date.UTC(2025, 2, 30, 12))).toBe(420);
    expect(between(cal, Date.UTC(2025, 9, 25, 12), Date.UTC(2025, 9, 26, 12))).toBe(540);
    expect(between(cal, Date.UTC(2025, 5, 7, 12), Date.UTC(2025, 5, 8, 12))).toBe(480);
  });

  it("a whole local day is 23 hours on the spring-forward day and 25 on the fall-back day", () => {
    const cal = compileCalendar({
      timeZone: "America/New_York",
      weekly: [{ day: 0, start: "00:00", end: "24:00" }],
      holidays: [],
    });
    expect(between(cal, Date.UTC(2025, 2, 8), Date.UTC(2025, 2, 11))).toBe(23 * 60);
    expect(between(cal, Date.UTC(2025, 10, 1), Date.UTC(2025, 10, 4))).toBe(25 * 60);
  });
});

describe("calendars crossing midnight and 24/7", () => {
  const night = compileCalendar({
    timeZone: "Europe/London",
    weekly: [{ day: 1, start: "22:00", end: "06:00" }],
    holidays: [],
  });

  it("a Monday night shift is open from Monday 22:00 until Tuesday 06:00", () => {
    expect(isOpen(night, at("Europe/London", "2025-01-06T21:59"))).toBe(false);
    expect(isOpen(night, at("Europe/London", "2025-01-06T22:00"))).toBe(true);
    expect(isOpen(night, at("Europe/London", "2025-01-07T03:00"))).toBe(true);
    expect(isOpen(night, at("Europe/London", "2025-01-07T06:00"))).toBe(false);
    expect(isOpen(night, at("Europe/London", "2025-01-05T23:00"))).toBe(false);
  });

  it("a full shift of business time ends exactly at the Tuesday 06:00 close", () => {
    const due = add(night, at("Europe/London", "2025-01-06T22:00"), 480);
    expect(show("Europe/London", due)).toBe("Tue 2025-01-07 06:00 +00:00");
    expect(isOpen(night, due)).toBe(false);
    expect(isOpen(night, due - 1)).toBe(true);
  });

  it("time left over at the end of a night shift carries to the next Monday night", () => {
    const due = add(night, at("Europe/London", "2025-01-07T05:30"), 60);
    expect(show("Europe/London", due)).toBe("Mon 2025-01-13 22:30 +00:00");
  });

  it("an interval whose end equals its start lasts 24 hours", () => {
    const cal = compileCalendar({
      timeZone: "Africa/Lusaka",
      weekly: [{ day: 3, start: "09:00", end: "09:00" }],
      holidays: [],
    });
    expect(
      between(cal, at("Africa/Lusaka", "2025-06-02T00:00"), at("Africa/Lusaka", "2025-06-09T00:00")),
    ).toBe(1440);
    expect(isOpen(cal, at("Africa/Lusaka", "2025-06-05T08:59"))).toBe(true);
  });

  it("a 24/7 calendar counts every minute and ignores weekly hours and holidays", () => {
    const cal = compileCalendar({
      timeZone: "America/New_York",
      alwaysOpen: true,
      weekly: [],
      holidays: [{ date: "2025-12-25" }],
    });
    const christmas = at("America/New_York", "2025-12-25T10:00");
    expect(add(cal, christmas, 90)).toBe(christmas + 90 * MIN);
    expect(between(cal, christmas, christmas + DAY)).toBe(1440);
    expect(isOpen(cal, christmas)).toBe(true);
    expect(nextOpening(cal, christmas)).toBe(christmas);
  });

  it("overlapping and touching intervals merge into one", () => {
    const cal = compileCalendar({
      timeZone: "Africa/Lusaka",
      weekly: [
        { day: 1, start: "12:00", end: "17:00" },
        { day: 1, start: "09:00", end: "13:00" },
        { day: 1, start: "17:00", end: "18:00" },
      ],
      holidays: [],
    });
    expect(
      between(cal, at("Africa/Lusaka", "2025-06-02T00:00"), at("Africa/Lusaka", "2025-06-03T00:00")),
    ).toBe(540);
    expect(show("Africa/Lusaka", add(cal, at("Africa/Lusaka", "2025-06-02T08:00"), 540))).toBe(
      "Mon 2025-06-02 18:00 +02:00",
    );
  });
});

describe("holidays", () => {
  it("a holiday on a Monday pushes Friday afternoon's due time to Tuesday", () => {
    const start = at("Europe/London", "2025-08-22T16:00");
    expect(show("Europe/London", add(officeHours("Europe/London"), start, 120))).toBe(
      "Mon 2025-08-25 10:00 +01:00",
    );
    const withHoliday = officeHours("Europe/London", ["2025-08-25"]);
    expect(show("Europe/London", add(withHoliday, start, 120))).toBe("Tue 2025-08-26 10:00 +01:00");
  });

  it("Good Friday and Easter Monday together push Thursday afternoon's due time to Tuesday", () => {
    const cal = officeHours("Europe/London", ["2025-04-18", "2025-04-21"]);
    expect(show("Europe/London", add(cal, at("Europe/London", "2025-04-17T16:00"), 120))).toBe(
      "Tue 2025-04-22 10:00 +01:00",
    );
  });

  it("a ticket opened on a holiday starts counting at the next opening", () => {
    const cal = officeHours("Europe/London", ["2025-08-25"]);
    const start = at("Europe/London", "2025-08-25T12:00");
    expect(isOpen(cal, start)).toBe(false);
    expect(show("Europe/London", nextOpening(cal, start))).toBe("Tue 2025-08-26 09:00 +01:00");
    expect(show("Europe/London", add(cal, start, 30))).toBe("Tue 2025-08-26 09:30 +01:00");
    expect(show("Europe/London", add(cal, start, 0))).toBe("Tue 2025-08-26 09:00 +01:00");
  });

  it("a holiday closes the part of a night shift that spills into it", () => {
    const cal = compileCalendar({
      timeZone: "Africa/Lusaka",
      weekly: [{ day: 0, start: "22:00", end: "06:00" }],
      holidays: [{ date: "2025-06-09", name: "Heroes' Day" }],
    });
    const sunday = at("Africa/Lusaka", "2025-06-08T22:00");
    expect(between(cal, sunday, sunday + DAY)).toBe(120);
    expect(show("Africa/Lusaka", add(cal, sunday, 180))).toBe("Sun 2025-06-15 23:00 +02:00");
  });

  it("years of holidays in a row are skipped, and a calendar closed for over 30 years is refused instead of looping", () => {
    const mondays = (toYear: number) => {
      const dates: { date: string }[] = [];
      for (let d = DateTime.fromISO("2025-01-06"); d.year <= toYear; d = d.plus({ weeks: 1 })) {
        dates.push({ date: d.toISODate() as string });
      }
      return dates;
    };
    const weekly: WeeklyInterval[] = [{ day: 1, start: "09:00", end: "10:00" }];
    const tenYears = compileCalendar({ timeZone: "Europe/London", weekly, holidays: mondays(2034) });
    expect(show("Europe/London", add(tenYears, Date.UTC(2025, 0, 1), 30))).toBe(
      "Mon 2035-01-01 09:30 +00:00",
    );
    const closed = compileCalendar({ timeZone: "Europe/London", weekly, holidays: mondays(2070) });
    expect(() => add(closed, Date.UTC(2025, 0, 1), 30)).toThrow(BusinessCalendarError);
    expect(() => nextOpening(closed, Date.UTC(2025, 0, 1))).toThrow(/no open time/);
  });
});

describe("calendar validation", () => {
  const base: CalendarSpec = { timeZone: "Europe/London", weekly: weekdays("09:00", "17:00"), holidays: [] };
  const invalid: [string, CalendarSpec, RegExp][] = [
    [
      "an unknown time zone",
      { ...base, timeZone: "Europe/Atlantis" },
      /unknown IANA time zone "Europe\/Atlantis"/,
    ],
    [
      "a start without two-digit hours",
      { ...base, weekly: [{ day: 1, start: "9:00", end: "17:00" }] },
      /weekly\[0\]\.start/,
    ],
    [
      "a start at 24:00",
      { ...base, weekly: [{ day: 1, start: "24:00", end: "17:00" }] },
      /weekly\[0\]\.start/,
    ],
    [
      "an end past 24:00",
      { ...base, weekly: [{ day: 1, start: "09:00", end: "24:30" }] },
      /weekly\[0\]\.end/,
    ],
    ["minutes past 59", { ...base, weekly: [{ day: 1, start: "09:00", end: "17:60" }] }, /weekly\[0\]\.end/],
    ["day 7", { ...base, weekly: [{ day: 7 as 0, start: "09:00", end: "17:00" }] }, /weekly\[0\]\.day/],
    ["a date that does not exist", { ...base, holidays: [{ date: "2025-02-29" }] }, /holidays\[0\]\.date/],
    ["a date in another format", { ...base, holidays: [{ date: "25/12/2025" }] }, /holidays\[0\]\.date/],
    ["no open hours at all", { ...base, weekly: [] }, /no open hours/],
  ];
  for (const [what, spec, message] of invalid) {
    it(`a calendar with ${what} is refused with a clear error`, () => {
      expect(() => compileCalendar(spec)).toThrow(BusinessCalendarError);
      expect(() => compileCalendar(spec)).toThrow(message);
    });
  }

  it("a 24/7 calendar needs no weekly hours", () => {
    expect(isOpen(compileCalendar({ ...base, weekly: [], alwaysOpen: true }), 0)).toBe(true);
  });

  it("instants and minutes that are not finite numbers are refused", () => {
    const cal = compileCalendar(base);
    expect(() => add(cal, Number.NaN, 10)).toThrow(RangeError);
    expect(() => add(cal, 0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => between(cal, 0, Number.NaN)).toThrow(RangeError);
  });
});

// ---- Properties (fast-check) over random calendars, zones with and without daylight saving ----

const ZONES = [
  "America/New_York",
  "Europe/London",
  "Africa/Lusaka",
  "Asia/Dhaka",
  "Australia/Lord_Howe",
  "UTC",
];
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
/** Intervals of 15 minutes to 24 hours (so a calendar has enough open time to keep the runs quick). */
const intervalArb = fc
  .record({
    day: fc.integer({ min: 0, max: 6 }) as fc.Arbitrary<WeeklyInterval["day"]>,
    start: fc.integer({ min: 0, max: 1439 }),
    length: fc.integer({ min: 15, max: 1440 }),
    midnightAs24: fc.boolean(),
  })
  .map(({ day, start, length, midnightAs24 }) => {
    const end = start + length;
    const endText = end === 1440 ? (midnightAs24 ? "24:00" : "00:00") : hhmm(end % 1440);
    return { day, start: hhmm(start), end: endText };
  });
const dateArb = fc
  .integer({ min: Date.UTC(2024, 11, 1) / DAY, max: Date.UTC(2027, 0, 31) / DAY })
  .map((d) => new Date(d * DAY).toISOString().slice(0, 10));
const specArb: fc.Arbitrary<CalendarSpec> = fc.record({
  timeZone: fc.constantFrom(...ZONES),
  weekly: fc.array(intervalArb, { minLength: 1, maxLength: 6 }),
  holidays: fc.uniqueArray(dateArb, { maxLength: 40 }).map((dates) => dates.map((date) => ({ date }))),
});
/** Daylight-saving changes of 2025 in the zones above, so that random instants often land near one. */
const TRANSITIONS = [
  Date.UTC(2025, 2, 9, 7),
  Date.UTC(2025, 10, 2, 6),
  Date.UTC(2025, 2, 30, 1),
  Date.UTC(2025, 9, 26, 1),
  Date.UTC(2025, 3, 5, 15),
  Date.UTC(2025, 9, 4, 15, 30),
];
const instantArb = fc.oneof(
  fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }),
  fc
    .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -3 * DAY, max: 3 * DAY }))
    .map(([t, d]) => t + d),
);
const minutesArb = fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 20_000 }));

/** Whether the instant is open, read straight from the spec on the local wall clock (no compiled intervals). */
function openByWallClock(spec: CalendarSpec, ms: number): boolean {
  const t = DateTime.fromMillis(ms, { zone: spec.timeZone });
  if (spec.holidays.some((h) => h.date === t.toISODate())) return false;
  const minute = t.hour * 60 + t.minute + (t.second * 1000 + t.millisecond) / MIN;
  const day = t.weekday % 7;
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  return spec.weekly.some((w) => {
    const [s, e] = [toMin(w.start), toMin(w.end)];
    if (w.day === day && (e <= s ? minute >= s : minute >= s && minute < e)) return true;
    return w.day === (day + 6) % 7 && e <= s && minute < e;
  });
}
/** Near a change of offset, wall-clock reading is ambiguous; the hand-checked cases above cover those hours. */
function nearOffsetChange(timeZone: string, ms: number): boolean {
  const zone = IANAZone.create(timeZone);
  return zone.offset(ms - 3 * HOUR) !== zone.offset(ms + 3 * HOUR);
}

describe("business-time properties", () => {
  it("the compiled calendar is open exactly when the wall clock is within weekly hours and not on a holiday", () => {
    fc.assert(
      fc.property(specArb, fc.array(instantArb, { minLength: 1, maxLength: 20 }), (spec, instants) => {
        const cal = compileCalendar(spec);
        for (const ms of instants) {
          if (!nearOffsetChange(spec.timeZone, ms)) expect(isOpen(cal, ms)).toBe(openByWallClock(spec, ms));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("measuring the business time up to a due time gives back the minutes added", () => {
    fc.assert(
      fc.property(specArb, instantArb, minutesArb, (spec, start, minutes) => {
        const cal = compileCalendar(spec);
        const due = add(cal, start, minutes);
        expect(between(cal, start, due)).toBe(minutes);
        if (minutes > 0) expect(between(cal, start, due - 1)).toBeLessThan(minutes);
      }),
      { numRuns: 300 },
    );
  });

  it("years of office hours round-trip too, across the yearly chunks the calendar caches", () => {
    const cal = officeHours("Europe/London", ["2025-12-25", "2026-12-25", "2027-12-27", "2030-01-01"]);
    fc.assert(
      fc.property(instantArb, fc.integer({ min: 0, max: 1_000_000 }), (start, minutes) => {
        expect(between(cal, start, add(cal, start, minutes))).toBe(minutes);
      }),
    );
  });

  it("fractional minutes round-trip within floating-point tolerance", () => {
    fc.assert(
      fc.property(
        specArb,
        instantArb,
        fc.double({ min: 0, max: 5000, noNaN: true }),
        (spec, start, minutes) => {
          const cal = compileCalendar(spec);
          expect(Math.abs(between(cal, start, add(cal, start, minutes)) - minutes)).toBeLessThan(1e-6);
        },
      ),
    );
  });

  it("a due time is never in closed hours or on a holiday: the minute that completes the count is open", () => {
    fc.assert(
      fc.property(specArb, instantArb, minutesArb, (spec, start, minutes) => {
        const cal = compileCalendar(spec);
        const due = add(cal, start, minutes);
        // With 0 minutes the due time is the next opening, itself open; otherwise it is inside an open
        // interval or exactly at its close, and in both cases the millisecond before it is open.
        const counted = minutes === 0 ? due : due - 1;
        expect(isOpen(cal, counted)).toBe(true);
        if (!nearOffsetChange(spec.timeZone, counted)) expect(openByWallClock(spec, counted)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("pausing the clock shifts the due time by exactly the business time spent paused", () => {
    fc.assert(
      fc.property(
        specArb,
        instantArb,
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 0, max: 30 * DAY }),
        fc.integer({ min: 0, max: 30 * DAY }),
        (spec, start, minutes, beforePause, pauseLength) => {
          const cal = compileCalendar(spec);
          const p1 = start + beforePause;
          const p2 = p1 + pauseLength;
          const spent = between(cal, start, p1);
          fc.pre(spent < minutes);
          const due = add(cal, start, minutes);
          const resumed = add(cal, p2, minutes - spent);
          const paused = between(cal, p1, p2);
          expect(between(cal, start, resumed) - paused).toBeCloseTo(minutes, 6);
          expect(resumed).toBeGreaterThanOrEqual(due);
          if (paused === 0) expect(Math.abs(resumed - due)).toBeLessThan(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("more minutes or a later start never give an earlier due time", () => {
    fc.assert(
      fc.property(specArb, instantArb, instantArb, minutesArb, minutesArb, (spec, s1, s2, m1, m2) => {
        const cal = compileCalendar(spec);
        const [early, late] = s1 <= s2 ? [s1, s2] : [s2, s1];
        const [few, many] = m1 <= m2 ? [m1, m2] : [m2, m1];
        expect(add(cal, early, few)).toBeLessThanOrEqual(add(cal, early, many));
        expect(add(cal, early, few)).toBeLessThanOrEqual(add(cal, late, few));
      }),
    );
  });

  it("business time adds up over consecutive spans and never exceeds wall-clock time", () => {
    fc.assert(
      fc.property(specArb, fc.array(instantArb, { minLength: 3, maxLength: 3 }), (spec, instants) => {
        const cal = compileCalendar(spec);
        const [a, b, c] = instants.sort((x, y) => x - y) as [number, number, number];
        expect(between(cal, a, c)).toBeCloseTo(between(cal, a, b) + between(cal, b, c), 6);
        expect(between(cal, a, c)).toBeLessThanOrEqual((c - a) / MIN);
        expect(between(cal, c, a)).toBe(0);
      }),
    );
  });

  it("the next opening is open, not before the instant, and no business time lies between them", () => {
    fc.assert(
      fc.property(specArb, instantArb, (spec, ms) => {
        const cal = compileCalendar(spec);
        const next = nextOpening(cal, ms);
        expect(isOpen(cal, next)).toBe(true);
        expect(next).toBeGreaterThanOrEqual(ms);
        expect(between(cal, ms, next)).toBe(0);
        if (isOpen(cal, ms)) expect(next).toBe(ms);
      }),
    );
  });

  it("negative minutes go back to the earliest instant with that much business time before the start", () => {
    fc.assert(
      fc.property(specArb, instantArb, fc.integer({ min: 1, max: 50_000 }), (spec, start, minutes) => {
        const cal = compileCalendar(spec);
        const back = add(cal, start, -minutes);
        expect(back).toBeLessThanOrEqual(start);
        expect(between(cal, back, start)).toBeCloseTo(minutes, 6);
        expect(isOpen(cal, back - 1)).toBe(true);
      }),
    );
  });

  it("seven whole days of weekly hours behave exactly like the 24/7 calendar", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instantArb, minutesArb, (timeZone, start, minutes) => {
        const allDays = ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({
          day,
          start: "00:00",
          end: "24:00",
        }));
        const weekly = compileCalendar({ timeZone, weekly: allDays, holidays: [] });
        const always = compileCalendar({ timeZone, alwaysOpen: true, weekly: [], holidays: [] });
        expect(add(weekly, start, minutes)).toBe(add(always, start, minutes));
        expect(between(weekly, start, start + minutes * MIN)).toBe(minutes);
      }),
    );
  });
});
