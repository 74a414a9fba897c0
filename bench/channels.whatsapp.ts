/**
 * The WhatsApp webhook scenarios of bench/channels.ts, against a running server with its workers off:
 * numbers set up as a hub admin, then signed deliveries with new message ids POSTed by autocannon.
 */
import autocannon from "autocannon";
import { BENCH_SITES } from "../apps/server/src/bench/bench.seed.js";
import { bodyText, type Lang } from "../apps/server/src/bench/bench.text.js";
import { loadConfig } from "../apps/server/src/config/config.js";
import { openDatabase } from "../apps/server/src/db/database.js";
import { hubSignature, webhookPayload } from "../apps/server/test/graph-standin.js";
import { loadAverage, type Measured, measure } from "./stats.js";

const WA_SITES = ["KEN", "SEN", "BRA"];
const WEBHOOK = "/api/v1/channels/whatsapp/webhook";

type Ring = Array<{ body: Buffer; signature: string; messages: number }>;

/** `size` signed deliveries with new message ids: mostly one text, some a few at once, some with a status too. */
function ring(
  seed: number,
  tag: string,
  size: number,
  numbers: Array<{ id: string; secret: string; lang: Lang }>,
): Ring {
  let x = seed * 7919;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  const texts = numbers.map((n) =>
    Array.from({ length: 50 }, () => bodyText(next, n.lang, "requester", "the app")),
  );
  return Array.from({ length: size }, (_, i) => {
    const k = i % numbers.length;
    const number = numbers[k] as (typeof numbers)[number];
    const count = next() < 0.05 ? 2 + Math.floor(next() * 3) : 1;
    const from = String(254_700_000_000 + Math.floor(next() * 20_000));
    const payload = webhookPayload(number.id, {
      messages: Array.from({ length: count }, (_m, j) => ({
        type: "text" as const,
        from,
        id: `wamid.bench.${tag}.${i}.${j}`,
        body: texts[k]?.[Math.floor(next() * 50)] ?? "hello",
        name: `Person ${from.slice(-4)}`,
      })),
      statuses:
        next() < 0.1 ? [{ id: `wamid.out.${tag}.${i}`, status: "delivered" as const, recipient: from }] : [],
    });
    const body = Buffer.from(JSON.stringify(payload));
    return { body, signature: hubSignature(number.secret, body), messages: count };
  });
}

/** The WhatsApp scenarios; `arg` reads the command line, results go to `out`. */
export async function whatsapp(
  arg: (name: string, fallback: string) => string,
  out: { measured: Measured[]; notes: string[] },
) {
  const base = arg("base", "");
  const token = arg("token", "");
  const SECONDS = Number(arg("seconds", "5"));
  const SEED = Number(arg("seed", "1"));
  const CONNECTIONS = arg("connections", "16,64").split(",").map(Number);
  if (!base || !token) throw new Error("usage: channels.ts whatsapp --base URL --token T");
  out.notes.push(`channels: load average at the start of the WhatsApp scenarios ${loadAverage()}`);
  const numbers = WA_SITES.map((code, i) => ({
    code,
    id: `10900000000${i}`,
    secret: `bench-app-secret-${code.toLowerCase()}`,
    lang: BENCH_SITES.find((s) => s.code === code)?.lang ?? ("en" as Lang),
  }));
  for (const n of numbers) {
    const res = await fetch(`${base}/api/v1/sites/${n.code}/channels/whatsapp`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        phoneNumberId: n.id,
        displayPhoneNumber: `+1 555 000 ${n.id.slice(-4)}`,
        accessToken: `bench-access-token-${n.code}`,
        appSecret: n.secret,
        verifyToken: `bench-verify-${n.code}`,
        enabled: true,
      }),
    });
    if (!res.ok) throw new Error(`WhatsApp number at ${n.code}: ${res.status} ${await res.text()}`);
  }
  // A wrong signature must be refused, or the figures would measure nothing.
  const probe = ring(SEED, "probe", 1, numbers)[0] as Ring[number];
  const refused = await fetch(base + WEBHOOK, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${"0".repeat(64)}` },
    body: probe.body.toString("utf8"),
  });
  if (refused.status !== 401) throw new Error(`a badly signed delivery answered ${refused.status}`);

  const maxRequests = 60_000;
  for (const connections of CONNECTIONS) {
    const tag = `c${connections}`;
    const deliveries = ring(SEED, tag, maxRequests, numbers);
    await new Promise((r) => setTimeout(r, 1000));
    const latencies: number[] = [];
    let failures = 0;
    let n = 0;
    const started = performance.now();
    const instance = autocannon({
      url: base,
      connections,
      duration: SECONDS,
      requests: [
        {
          method: "POST",
          path: WEBHOOK,
          headers: { "content-type": "application/json" },
          setupRequest: (req: Record<string, unknown>) => {
            const d = deliveries[n++ % deliveries.length] as Ring[number];
            return {
              ...req,
              body: d.body,
              headers: { ...(req.headers as object), "x-hub-signature-256": d.signature },
            };
          },
        },
      ],
    });
    instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status === 200) latencies.push(ms);
      else failures++;
      if (latencies.length + failures >= maxRequests) instance.stop();
    });
    const result = await instance;
    failures += result.errors + result.timeouts;
    const seconds = (performance.now() - started) / 1000;
    out.measured.push(
      measure(
        `WhatsApp webhook ack (signed; queued, workers off), ${connections} connections`,
        latencies,
        seconds,
        failures,
      ),
    );
    const recorded = await countInbound(tag);
    out.notes.push(
      `channels: WhatsApp ${connections} connections: ${latencies.length} deliveries acknowledged in ${seconds.toFixed(1)} s, ${recorded} messages recorded and queued for processing (${Math.round(recorded / seconds)} messages/s) (workers off: the "whatsapp.process" jobs wait); ${failures} failures`,
    );
  }
  out.notes.push(`channels: load average at the end of the WhatsApp scenarios ${loadAverage()}`);
}

/** The inbound WhatsApp messages a scenario left, read with a connection of our own. */
async function countInbound(tag: string): Promise<number> {
  const config = loadConfig();
  const database = openDatabase(config.database, { poolSize: 1 });
  try {
    const r = await database.db
      .selectFrom("whatsapp_inbound")
      .select((e) => e.fn.countAll<number>().as("n"))
      .where("wamid", "like", `wamid.bench.${tag}.%`)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  } finally {
    await database.close();
  }
}
