import { describe, expect, it } from "vitest";
import { businessMinutesBetween, compileCalendar } from "./business-time.js";
import { finish, pause, recalendar, remaining, resume, start, summarize } from "./sla.clocks.js";

const MIN = 60_000;
// Monday to Friday 08:00-17:00 in Lusaka (UTC+2, no daylight saving).
const cal = compileCalendar({
  timeZone: "Africa/Lusaka",
  weekly: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, start: "08:00", end: "17:00" })),
  holidays: [],
});
const monday9 = Date.parse("2026-03-02T07:00:00Z");

describe("SLA clocks", () => {
  it("a clock due at 11:00 on Monday for a two-hour target started at 09:00", () => {
    const c = start(1, "resolution", 120, 75, cal, monday9);
    expect(new Date(c.due_at ?? 0).toISOString()).toBe("2026-03-02T09:00:00.000Z");
    expect(new Date(c.warn_at ?? 0).toISOString()).toBe("2026-03-02T08:30:00.000Z");
  });

  it("recomputing an overdue clock keeps its due time in the past, so the breach is still owed", () => {
    const c = start(1, "resolution", 120, 75, cal, monday9);
    const wednesday = monday9 + 2 * 24 * 60 * MIN;
    const again = recalendar(c, cal, cal, wednesday);
    expect(again.due_at).toBe(c.due_at);
    expect(remaining(again, cal, wednesday)).toBe(120 - businessMinutesBetween(cal, monday9, wednesday));
  });

  it("pausing banks the time used and resuming moves the due time by the business time paused", () => {
    const c = start(1, "first_response", 240, 75, cal, monday9);
    const paused = pause(c, cal, monday9 + 60 * MIN);
    expect(paused.consumed_minutes).toBe(60);
    expect(paused.due_at).toBeNull();
    const resumed = resume(paused, cal, monday9 + 180 * MIN);
    expect((resumed.due_at ?? 0) - (c.due_at ?? 0)).toBe(120 * MIN);
  });

  it("a met clock stops counting and the ticket summary shows the earliest running due time", () => {
    const a = start(1, "first_response", 60, 75, cal, monday9);
    const b = start(1, "resolution", 480, 75, cal, monday9);
    expect(summarize([a, b])).toEqual({ sla_due_at: a.due_at, sla_state: "ok" });
    const met = finish(a, cal, monday9 + 30 * MIN, "met");
    expect(met.state).toBe("met");
    expect(remaining(met, cal, monday9 + 300 * MIN)).toBeNull();
    expect(summarize([met, b])).toEqual({ sla_due_at: b.due_at, sla_state: "ok" });
    expect(summarize([met, { ...b, breached_at: b.due_at }]).sla_state).toBe("breached");
    expect(summarize([pause(b, cal, monday9)])).toEqual({ sla_due_at: null, sla_state: "paused" });
  });
});
