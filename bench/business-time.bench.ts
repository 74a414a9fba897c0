/**
 * Business-time due computation throughput (issue 3 asks for at least 1,000,000 per second on one core).
 * Run: node --import tsx bench/business-time.bench.ts
 */
import {
  addBusinessMinutes,
  type CalendarSpec,
  compileCalendar,
} from "../apps/server/src/modules/sla/business-time.js";

const N = 2_000_000;
const RUNS = 5;

const spec: CalendarSpec = {
  timeZone: "Europe/London",
  weekly: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, start: "09:00", end: "17:00" })),
  holidays: [
    "2025-01-01",
    "2025-04-18",
    "2025-04-21",
    "2025-05-05",
    "2025-05-26",
    "2025-08-25",
    "2025-12-25",
    "2025-12-26",
    "2026-01-01",
    "2026-04-03",
    "2026-04-06",
    "2026-05-04",
    "2026-05-25",
    "2026-08-31",
    "2026-12-25",
    "2026-12-28",
  ].map((date) => ({ date })),
};

/** mulberry32: a small deterministic PRNG, so every run times the same inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Starts spread over two years (both DST changes, every holiday); targets from 1 minute to 5 working days.
const random = prng(20250301);
const from = Date.UTC(2025, 0, 1);
const span = 2 * 365 * 24 * 3_600_000;
const starts = new Float64Array(N);
const minutes = new Float64Array(N);
for (let i = 0; i < N; i++) {
  starts[i] = from + Math.floor(random() * span);
  minutes[i] = 1 + Math.floor(random() * 2400);
}

const cal = compileCalendar(spec);

function run(): number {
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink += addBusinessMinutes(cal, starts[i] as number, minutes[i] as number);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sink === 0) throw new Error("impossible: the sum of due times is 0");
  return N / seconds;
}

run(); // warm-up: builds the cached years and lets the JIT optimise the hot path
const rates: number[] = [];
for (let r = 0; r < RUNS; r++) rates.push(run());
rates.sort((a, b) => a - b);
const median = rates[Math.floor(RUNS / 2)] as number;
const fmt = (x: number) => Math.round(x).toLocaleString("en-GB");
console.log(`addBusinessMinutes, Europe/London 9-17 Mon-Fri with holidays, ${fmt(N)} calls x ${RUNS} runs`);
console.log(`runs (ops/s): ${rates.map(fmt).join(", ")}`);
console.log(`median: ${fmt(median)} ops/s (target 1,000,000)`);
