/**
 * The load process: runs HTTP scenarios against a server on 127.0.0.1 and prints one JSON line of
 * results. Usage: node --import tsx bench/load.ts <scenarios.json>. Each scenario is bounded in time
 * (durationS) and in count (maxRequests), whichever comes first.
 *
 * - kind "cannon": autocannon with keep-alive connections; one request is one sample.
 * - kind "page": what a browser does for one screen: the paths of one group fetched in parallel; one
 *   group is one sample (used for the ticket page: the ticket, its messages and its events).
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { type Measured, measure } from "./stats.js";

export type Scenario = {
  name: string;
  kind: "cannon" | "page";
  base: string;
  connections: number;
  durationS: number;
  maxRequests: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** POST body; "{n}" is replaced by a running number so that every request differs */
  body?: string;
  /** cannon: one is picked per request, round robin */
  paths?: string[];
  /** page: one group is fetched per sample */
  groups?: string[][];
};

async function cannon(s: Scenario): Promise<Measured> {
  const latencies: number[] = [];
  let failures = 0;
  let n = 0;
  const paths = s.paths?.length ? s.paths : ["/"];
  const started = performance.now();
  const instance = autocannon({
    url: s.base,
    connections: s.connections,
    duration: s.durationS,
    requests: [
      {
        method: s.method ?? "GET",
        headers: { ...(s.body ? { "content-type": "application/json" } : {}), ...s.headers },
        setupRequest: (req: Record<string, unknown>) => {
          n++;
          return {
            ...req,
            path: paths[n % paths.length],
            ...(s.body ? { body: s.body.replaceAll("{n}", String(n)) } : {}),
          };
        },
      },
    ],
  });
  instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
    else failures++;
    if (latencies.length + failures >= s.maxRequests) instance.stop();
  });
  const result = await instance;
  failures += result.errors + result.timeouts;
  return measure(s.name, latencies, (performance.now() - started) / 1000, failures);
}

async function page(s: Scenario): Promise<Measured> {
  const latencies: number[] = [];
  let failures = 0;
  let n = 0;
  const groups = s.groups ?? [];
  const started = performance.now();
  const deadline = started + s.durationS * 1000;
  const worker = async () => {
    while (performance.now() < deadline && latencies.length + failures < s.maxRequests) {
      const group = groups[n++ % groups.length] ?? [];
      const t0 = performance.now();
      const res = await Promise.all(
        group.map(async (p) => {
          const r = await fetch(s.base + p, { headers: s.headers });
          await r.arrayBuffer();
          return r.ok;
        }),
      );
      if (res.every(Boolean)) latencies.push(performance.now() - t0);
      else failures++;
    }
  };
  await Promise.all(Array.from({ length: s.connections }, worker));
  return measure(s.name, latencies, (performance.now() - started) / 1000, failures);
}

const file = process.argv[2];
if (!file) throw new Error("usage: load.ts <scenarios.json>");
const scenarios = JSON.parse(readFileSync(file, "utf8")) as Scenario[];
const out: Measured[] = [];
for (const s of scenarios) out.push(s.kind === "page" ? await page(s) : await cannon(s));
console.log(JSON.stringify(out));
