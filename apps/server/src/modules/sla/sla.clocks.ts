import type { Selectable } from "kysely";
import type { TicketSlaClocksTable } from "../../db/schema.js";
import { addBusinessMinutes, type BusinessCalendar, businessMinutesBetween } from "./business-time.js";

export type ClockRow = Selectable<TicketSlaClocksTable>;
export type ClockKind = "first_response" | "next_response" | "resolution";
export const CLOCK_KINDS: readonly ClockKind[] = ["first_response", "next_response", "resolution"];
/** Statuses in which every clock stands still. */
export const PAUSING_STATUSES = new Set(["pending-requester", "deferred"]);
export const DONE_STATUSES = new Set(["resolved", "closed"]);

// Pure state changes of one SLA clock. A clock counts business minutes while `running`; `consumed`
// holds what was counted before `running_since`, so pausing and resuming never lose or double time.

/** Sets due and warning times from what is left; only running clocks have them. */
export function schedule(c: ClockRow, cal: BusinessCalendar): ClockRow {
  if (c.state !== "running" || c.running_since === null) return { ...c, due_at: null, warn_at: null };
  // Left may be negative for an overdue clock: the due time then lies that much business time back.
  const left = c.target_minutes - c.consumed_minutes;
  const warnMark = (c.target_minutes * c.warn_percent) / 100 - c.consumed_minutes;
  return {
    ...c,
    due_at: Math.round(addBusinessMinutes(cal, c.running_since, left)),
    warn_at: c.warned_at === null ? Math.round(addBusinessMinutes(cal, c.running_since, warnMark)) : null,
  };
}

/** Banks the business time counted since the clock last started. */
function bank(c: ClockRow, cal: BusinessCalendar, now: number): ClockRow {
  if (c.state !== "running" || c.running_since === null) return c;
  return {
    ...c,
    consumed_minutes:
      c.consumed_minutes + businessMinutesBetween(cal, c.running_since, Math.max(now, c.running_since)),
    running_since: now,
  };
}

export const start = (
  ticketId: number,
  kind: ClockKind,
  target: number,
  warnPercent: number,
  cal: BusinessCalendar,
  now: number,
): ClockRow =>
  schedule(
    {
      ticket_id: ticketId,
      kind,
      state: "running",
      target_minutes: target,
      consumed_minutes: 0,
      running_since: now,
      started_at: now,
      due_at: null,
      warn_at: null,
      warn_percent: warnPercent,
      met_at: null,
      warned_at: null,
      breached_at: null,
    },
    cal,
  );

export const pause = (c: ClockRow, cal: BusinessCalendar, now: number): ClockRow =>
  c.state === "running" ? schedule({ ...bank(c, cal, now), state: "paused", running_since: null }, cal) : c;

export const resume = (c: ClockRow, cal: BusinessCalendar, now: number): ClockRow =>
  c.state === "paused" ? schedule({ ...c, state: "running", running_since: now }, cal) : c;

/** Stops a clock as met (its goal was reached) or stopped (the ticket ended without reaching it). */
export const finish = (c: ClockRow, cal: BusinessCalendar, now: number, as: "met" | "stopped"): ClockRow =>
  c.state === "running" || c.state === "paused"
    ? {
        ...bank(c, cal, now),
        state: as,
        running_since: null,
        due_at: null,
        warn_at: null,
        met_at: as === "met" ? now : null,
      }
    : c;

/** Starts a finished resolution clock again (a reopened ticket), keeping the time it had used. */
export const reopen = (c: ClockRow, cal: BusinessCalendar, now: number, paused: boolean): ClockRow =>
  c.state === "met" || c.state === "stopped"
    ? schedule(
        { ...c, state: paused ? "paused" : "running", running_since: paused ? null : now, met_at: null },
        cal,
      )
    : c;

/** Applies a new target (priority, tier or policy changed), keeping the time already used. */
export const retarget = (
  c: ClockRow,
  cal: BusinessCalendar,
  now: number,
  target: number,
  warnPercent: number,
): ClockRow => {
  const banked = bank(c, cal, now);
  const warnedStillValid = banked.consumed_minutes >= (target * warnPercent) / 100;
  return schedule(
    {
      ...banked,
      target_minutes: target,
      warn_percent: warnPercent,
      warned_at: warnedStillValid ? c.warned_at : null,
    },
    cal,
  );
};

/** Recomputes due times after the calendar changed: time so far counted on the old one, the rest on the new. */
export const recalendar = (
  c: ClockRow,
  oldCal: BusinessCalendar,
  newCal: BusinessCalendar,
  now: number,
): ClockRow => schedule(bank(c, oldCal, now), newCal);

/** The state shown to people: breached wins over everything else. */
export function displayState(c: ClockRow): "running" | "paused" | "met" | "breached" | "stopped" {
  if (c.breached_at !== null) return "breached";
  return c.state as "running" | "paused" | "met" | "stopped";
}

/** Business minutes left on a clock now (negative when overdue); null when it no longer counts. */
export function remaining(c: ClockRow, cal: BusinessCalendar, now: number): number | null {
  if (c.state === "paused") return c.target_minutes - c.consumed_minutes;
  if (c.state !== "running" || c.running_since === null) return null;
  return (
    c.target_minutes -
    c.consumed_minutes -
    businessMinutesBetween(cal, c.running_since, Math.max(now, c.running_since))
  );
}

/** The ticket's queue summary: the earliest due time of running clocks and the worst state. */
export function summarize(clocks: ClockRow[]): { sla_due_at: number | null; sla_state: string | null } {
  const active = clocks.filter((c) => c.state === "running" || c.state === "paused");
  if (!active.length) return { sla_due_at: null, sla_state: null };
  const running = active.filter((c) => c.state === "running");
  const due = running.map((c) => c.due_at).filter((d): d is number => d !== null);
  const state = active.some((c) => c.breached_at !== null)
    ? "breached"
    : active.some((c) => c.warned_at !== null)
      ? "warning"
      : running.length
        ? "ok"
        : "paused";
  return { sla_due_at: due.length ? Math.min(...due) : null, sla_state: state };
}
