import os from "node:os";

/** One measured scenario, as the bench reports it. */
export type Measured = {
  name: string;
  samples: number;
  failures: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
};

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/**
 * A scenario's figures from its latencies (ms) over `seconds` of wall time; `samples` is one per latency
 * unless the scenario counts its work otherwise (e.g. pages imported in one timed run).
 */
export function measure(
  name: string,
  latencies: number[],
  seconds: number,
  failures = 0,
  samples = latencies.length,
): Measured {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    name,
    samples,
    failures,
    seconds,
    perSecond: samples / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

/** The machine's load average (1 / 5 / 15 min), for the notes beside the figures. */
export const loadAverage = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" / ");
