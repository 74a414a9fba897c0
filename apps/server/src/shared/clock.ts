/** The source of "now" in epoch milliseconds; tests pass a controllable one. */
export type Clock = { now: () => number };

export const systemClock: Clock = { now: () => Date.now() };

export const toIso = (ms: number): string => new Date(ms).toISOString();
export const toIsoOrNull = (ms: number | null | undefined): string | null => (ms == null ? null : toIso(ms));
