import { deferralOnly, invalidTransition } from "./tickets.errors.js";
import type { Status } from "./tickets.schemas.js";

/** Checks a manual status change; deferral has its own workflow and nothing goes back to new. */
export function assertTransition(from: Status, to: Status): void {
  if (from === to) return;
  if (to === "deferred") throw deferralOnly();
  if (to === "new") throw invalidTransition(from, to);
  if (from === "closed" && to !== "open") throw invalidTransition(from, to);
}

/** The timestamps that follow a status: resolved and closed times are set on entry, cleared on reopening. */
export function statusTimes(
  to: Status,
  now: number,
  current: { resolved_at: number | null; closed_at: number | null },
) {
  return {
    resolved_at: to === "resolved" || to === "closed" ? (current.resolved_at ?? now) : null,
    closed_at: to === "closed" ? (current.closed_at ?? now) : null,
  };
}
