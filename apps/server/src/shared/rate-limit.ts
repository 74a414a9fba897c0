/**
 * A fixed-window counter kept in this process's memory, keyed by any string (an IP, an email).
 * Enough for one server process; several processes each count on their own.
 */
export function createRateLimiter(options: {
  limit: number;
  windowMs: number;
  now: () => number;
  maxKeys?: number;
}) {
  const hits = new Map<string, { count: number; resetAt: number }>();
  const maxKeys = options.maxKeys ?? 100_000;

  function entry(key: string) {
    const now = options.now();
    let e = hits.get(key);
    if (!e || e.resetAt <= now) {
      if (hits.size >= maxKeys) sweep(now);
      e = { count: 0, resetAt: now + options.windowMs };
      hits.set(key, e);
    }
    return e;
  }

  function sweep(now: number) {
    for (const [k, e] of hits) if (e.resetAt <= now) hits.delete(k);
    // Under a flood of distinct keys, forget the oldest rather than grow without bound.
    if (hits.size >= maxKeys)
      for (const k of [...hits.keys()].slice(0, Math.ceil(maxKeys / 10))) hits.delete(k);
  }

  return {
    /** Seconds to wait if the key is over its limit, else 0. Does not count. */
    blockedFor(key: string): number {
      const e = hits.get(key);
      const now = options.now();
      return e && e.resetAt > now && e.count >= options.limit ? Math.ceil((e.resetAt - now) / 1000) : 0;
    },
    hit(key: string): void {
      entry(key).count++;
    },
    reset(key: string): void {
      hits.delete(key);
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
