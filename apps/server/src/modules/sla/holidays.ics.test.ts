import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { addBusinessMinutes, compileCalendar } from "./business-time.js";
import { HolidaysIcsError, parseHolidaysIcs } from "./holidays.ics.js";

/** Lines joined with CRLF as RFC 5545 wants; each event is a list of property lines. */
const ics = (...events: string[][]) =>
  [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Tierdesk//holiday test//EN",
    ...events.flatMap((lines) => ["BEGIN:VEVENT", ...lines, "END:VEVENT"]),
    "END:VCALENDAR",
    "",
  ].join("\r\n");

const zambia2025 = ics(
  ["UID:new-year", "DTSTART;VALUE=DATE:20250101", "DTEND;VALUE=DATE:20250102", "SUMMARY:New Year's Day"],
  ["UID:labour", "DTSTART;VALUE=DATE:20250501", "SUMMARY:Labour Day"],
  ["UID:closure", "DTSTART;VALUE=DATE:20251224", "DTEND;VALUE=DATE:20251227", "SUMMARY:End-of-year closure"],
  ["UID:africa", "DTSTART;VALUE=DATE:20250525", "DURATION:P2D", "SUMMARY:Africa Freedom Day wee", " kend"],
  ["UID:meeting", "DTSTART:20250115T090000Z", "DTEND:20250115T100000Z", "SUMMARY:Staff meeting"],
  ["UID:xmas-service", "DTSTART;VALUE=DATE:20251225", "SUMMARY:Christmas Day"],
);

const independence = (...extra: string[]) => [
  "UID:independence",
  "DTSTART;VALUE=DATE:20201024",
  "DTEND;VALUE=DATE:20201025",
  "RRULE:FREQ=YEARLY",
  "SUMMARY:Independence Day",
  ...extra,
];

describe("importing public holidays from an iCalendar file", () => {
  it("all-day events become holidays, multi-day events give each date, and timed events are ignored", () => {
    expect(parseHolidaysIcs(zambia2025)).toEqual([
      { date: "2025-01-01", name: "New Year's Day" },
      { date: "2025-05-01", name: "Labour Day" },
      { date: "2025-05-25", name: "Africa Freedom Day weekend" },
      { date: "2025-05-26", name: "Africa Freedom Day weekend" },
      { date: "2025-12-24", name: "End-of-year closure" },
      { date: "2025-12-25", name: "End-of-year closure / Christmas Day" },
      { date: "2025-12-26", name: "End-of-year closure" },
    ]);
  });

  it("a yearly holiday is expanded for 10 years from its first date when no range is given", () => {
    const dates = parseHolidaysIcs(ics(independence())).map((h) => h.date);
    expect(dates).toEqual(
      [2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029].map((y) => `${y}-10-24`),
    );
  });

  it("a yearly holiday is expanded over the range asked for, and other holidays outside it are dropped", () => {
    const text = ics(independence(), ["UID:labour", "DTSTART;VALUE=DATE:20250501", "SUMMARY:Labour Day"]);
    expect(parseHolidaysIcs(text, { from: "2026-01-01", to: "2027-12-31" })).toEqual([
      { date: "2026-10-24", name: "Independence Day" },
      { date: "2027-10-24", name: "Independence Day" },
    ]);
    expect(parseHolidaysIcs(text, { from: "2030-01-01" }).map((h) => h.date)).toEqual(
      [2030, 2031, 2032, 2033, 2034, 2035, 2036, 2037, 2038, 2039].map((y) => `${y}-10-24`),
    );
  });

  it("excluded dates, counts and moved or cancelled occurrences of a recurring holiday are respected", () => {
    const text = ics(
      [
        "UID:heroes",
        "DTSTART;VALUE=DATE:20250707",
        "RRULE:FREQ=YEARLY;COUNT=4",
        "EXDATE;VALUE=DATE:20260707",
        "SUMMARY:Heroes' Day",
      ],
      [
        "UID:heroes",
        "RECURRENCE-ID;VALUE=DATE:20270707",
        "DTSTART;VALUE=DATE:20270705",
        "SUMMARY:Heroes' Day (moved)",
      ],
      ["UID:heroes", "RECURRENCE-ID;VALUE=DATE:20280707", "DTSTART;VALUE=DATE:20280707", "STATUS:CANCELLED"],
    );
    expect(parseHolidaysIcs(text)).toEqual([
      { date: "2025-07-07", name: "Heroes' Day" },
      { date: "2027-07-05", name: "Heroes' Day (moved)" },
    ]);
  });

  it("an imported Monday holiday pushes a Friday afternoon due time to Tuesday", () => {
    const holidays = parseHolidaysIcs(
      ics(["UID:bank", "DTSTART;VALUE=DATE:20250825", "SUMMARY:Summer bank holiday"]),
    );
    const cal = compileCalendar({
      timeZone: "Europe/London",
      weekly: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, start: "09:00", end: "17:00" })),
      holidays,
    });
    const friday = DateTime.fromISO("2025-08-22T16:00", { zone: "Europe/London" }).toMillis();
    const due = DateTime.fromMillis(addBusinessMinutes(cal, friday, 120), { zone: "Europe/London" });
    expect(due.toISO()).toBe("2025-08-26T10:00:00.000+01:00");
  });

  it("an event without a summary becomes a holiday without a name", () => {
    expect(parseHolidaysIcs(ics(["UID:x", "DTSTART;VALUE=DATE:20250301"]))).toEqual([{ date: "2025-03-01" }]);
  });
});

describe("refusing malformed iCalendar holiday files", () => {
  const malformed: [string, string, RegExp][] = [
    ["an empty file", "  \r\n", /the file is empty/],
    ["text that is not iCalendar", "Christmas is on 25 December", /not a readable iCalendar file/],
    [
      "a calendar that is never closed",
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
      /not a readable iCalendar file/,
    ],
    [
      "an event outside any calendar",
      "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20250101\r\nEND:VEVENT\r\n",
      /no VCALENDAR/,
    ],
    ["an event without DTSTART", ics(["UID:x", "SUMMARY:When?"]), /event 1 has no DTSTART/],
    [
      "an impossible date",
      ics(["UID:x", "DTSTART;VALUE=DATE:20250230"]),
      /event 1 DTSTART is not a valid date/,
    ],
    [
      "an end before the start",
      ics(["UID:x", "DTSTART;VALUE=DATE:20250105", "DTEND;VALUE=DATE:20250101", "SUMMARY:Backwards"]),
      /event 1 \("Backwards"\) ends before it starts/,
    ],
    [
      "an all-day start with a timed end",
      ics(["UID:x", "DTSTART;VALUE=DATE:20250105", "DTEND:20250106T120000Z"]),
      /DTEND with a time/,
    ],
    [
      "an event lasting years",
      ics(["UID:x", "DTSTART;VALUE=DATE:20250101", "DTEND;VALUE=DATE:20300101"]),
      /lasts more than 366 days/,
    ],
  ];
  for (const [what, text, message] of malformed) {
    it(`${what} is refused with a clear error`, () => {
      expect(() => parseHolidaysIcs(text)).toThrow(HolidaysIcsError);
      expect(() => parseHolidaysIcs(text)).toThrow(message);
    });
  }

  it("a range that is not two real dates in order is refused", () => {
    expect(() => parseHolidaysIcs(zambia2025, { from: "2025-13-01" })).toThrow(
      /range.from must be a real date/,
    );
    expect(() => parseHolidaysIcs(zambia2025, { from: "2026-01-01", to: "2025-01-01" })).toThrow(
      /before range.from/,
    );
  });

  const refusal = (text: string, range?: { from?: string; to?: string }) => {
    try {
      parseHolidaysIcs(text, range);
    } catch (e) {
      return e instanceof HolidaysIcsError ? { problem: e.problem, message: e.message } : e;
    }
    return null;
  };

  it("a recurrence that would run to tens of thousands of dates is refused instead of expanded", () => {
    const daily = ics(["UID:x", "DTSTART;VALUE=DATE:20250101", "RRULE:FREQ=DAILY", "SUMMARY:Every day"]);
    expect(parseHolidaysIcs(daily, { from: "2025-01-01", to: "2025-12-31" })).toHaveLength(365);
    expect(refusal(daily, { from: "2060-01-01", to: "2060-12-31" })).toMatchObject({
      problem: "too_many",
      message: expect.stringMatching(/repeats more than 2000 times/),
    });
  });

  it("a file giving more than 500 holidays is refused, even when each event is small", () => {
    const daily = ics(["UID:x", "DTSTART;VALUE=DATE:20250101", "RRULE:FREQ=DAILY", "SUMMARY:Every day"]);
    expect(refusal(daily)).toMatchObject({
      problem: "too_many",
      message: expect.stringMatching(/500 holidays/),
    });
    const single = Array.from({ length: 501 }, (_, i) => [
      `UID:d${i}`,
      `DTSTART;VALUE=DATE:${new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10).replaceAll("-", "")}`,
    ]);
    expect(refusal(ics(...single))).toMatchObject({ problem: "too_many" });
    expect(parseHolidaysIcs(ics(...single.slice(0, 500)))).toHaveLength(500);
  });

  it("recurrences walked more than 5,000 times in all are refused, however the walking is shared", () => {
    const weekly = Array.from({ length: 4 }, (_, i) => [
      `UID:w${i}`,
      `DTSTART;VALUE=DATE:1990010${i + 1}`,
      "RRULE:FREQ=WEEKLY",
    ]);
    expect(refusal(ics(...weekly), { from: "2025-01-01", to: "2025-01-31" })).toMatchObject({
      problem: "too_many",
      message: expect.stringMatching(/5000 times in all/),
    });
  });

  it("an all-day event repeating by the second, minute or hour is refused as too frequent", () => {
    for (const freq of ["SECONDLY", "MINUTELY", "HOURLY"]) {
      const text = ics(["UID:x", "DTSTART;VALUE=DATE:20250101", `RRULE:FREQ=${freq};COUNT=3`]);
      expect(refusal(text)).toMatchObject({ problem: "too_frequent" });
    }
    const meeting = ics(["UID:m", "DTSTART:20250101T090000Z", "RRULE:FREQ=HOURLY", "SUMMARY:Stand-up"]);
    expect(parseHolidaysIcs(meeting)).toEqual([]);
  });
});
