/**
 * The bench's knowledge-base scenarios, run against the database in DATABASE_URL / DATA_DIR after the
 * ticket scenarios (the bench seed's sites and bench agent must be there): seeds N generated articles
 * (default 10,000), then measures in the process, through the real services and HTTP routes
 * (app.inject: routing, authentication, validation, serialisation, no network):
 * building the index (as `serve` does at start-up) and the first search, search over a mixed query list, chatbot answers, importing
 * 1,000 generated pages from a folder, and the first search after the import (the index catching up).
 * Usage: node --import tsx bench/kb.ts [--articles N] [--seconds S]; prints one JSON line.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildApp } from "../apps/server/src/app/app.js";
import { createContext } from "../apps/server/src/app/context.js";
import { generateKbArticles, seedKb, writeKbPages } from "../apps/server/src/bench/bench.kb.js";
import { BENCH_AGENT, BENCH_SITES } from "../apps/server/src/bench/bench.seed.js";
import { loadConfig, prepareDataDir } from "../apps/server/src/config/config.js";
import { openMigrated } from "../apps/server/src/main.js";
import { importDocs } from "../apps/server/src/modules/kb/kb.import.js";
import { systemActor } from "../apps/server/src/shared/actor.js";
import { type Measured, measure } from "./stats.js";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
};
const ARTICLES = Number(arg("articles", "10000"));
const SECONDS = Number(arg("seconds", "5"));
const PAGES = Number(arg("pages", "1000"));

/** The query mix: common and rare words, typos, prefixes (typing), questions, other languages, filters. */
const SEARCHES: Array<{ kind: string; q: string; params?: Record<string, string> }> = [
  { kind: "common", q: "certificate" },
  { kind: "common", q: "password" },
  { kind: "common", q: "birth registration" },
  { kind: "common", q: "export report" },
  { kind: "common", q: "sync" },
  { kind: "rare", q: "Chittagong security paper" },
  { kind: "rare", q: "E4711" },
  { kind: "rare", q: "openIMIS audit log" },
  { kind: "rare", q: "marriage record archive" },
  { kind: "typo", q: "pasword reset" },
  { kind: "typo", q: "certficate printer" },
  { kind: "typo", q: "synchronsie tablet" },
  { kind: "typo", q: "registraton late birth" },
  { kind: "prefix", q: "regis" },
  { kind: "prefix", q: "print cert" },
  { kind: "prefix", q: "dupl" },
  { kind: "question", q: "how do I print a death certificate" },
  { kind: "question", q: "the tablet does not synchronise records since yesterday" },
  { kind: "question", q: "the two-factor code never arrives by SMS" },
  { kind: "question", q: "correct the mother's name on a registered birth record" },
  { kind: "question", q: "account locked after five failed sign-ins" },
  { kind: "language", q: "réinitialiser le mot de passe", params: { lang: "fr" } },
  { kind: "language", q: "certidão de nascimento", params: { lang: "pt" } },
  { kind: "language", q: "registro duplicado", params: { lang: "es", site: "PER" } },
  { kind: "filter", q: "case", params: { product: "Primero" } },
  { kind: "filter", q: "facility", params: { product: "DHIS2", site: "KEN" } },
  { kind: "filter", q: "export", params: { language: "fr", lang: "fr" } },
  { kind: "filter", q: "approve record", params: { collection: "bench-kb", site: "SEN", lang: "fr" } },
];
const QUESTIONS = [
  { site: "KEN", question: "How do I print a death certificate?" },
  { site: "SEN", question: "Comment réinitialiser un mot de passe ?", language: "fr" },
  { site: "GHA", question: "The tablet does not synchronise records since yesterday" },
  { site: "IND", question: "The two-factor code never arrives by SMS" },
  { site: "MOZ", question: "Como corrigir um registo de nascimento?", language: "pt" },
  { site: "KEN", question: "Error E4711 when saving a case" },
  { site: "RWA", question: "account locked after five failed sign-ins" },
  { site: "KEN", question: "where do I find the quarterly budget of the ministry" },
];

/** Runs `fn(i)` in turn, at most `count` times and for at most `seconds`; a throw fails the bench. */
async function timed(name: string, count: number, seconds: number, fn: (i: number) => Promise<unknown>) {
  const lat: number[] = [];
  const t0 = performance.now();
  while (lat.length < count && performance.now() - t0 < seconds * 1000) {
    const s = performance.now();
    await fn(lat.length);
    lat.push(performance.now() - s);
  }
  return measure(name, lat, (performance.now() - t0) / 1000);
}

const config = prepareDataDir(loadConfig());
const database = await openMigrated(config);
const ctx = createContext(config, database);
const app = await buildApp(ctx, { logger: false });
await app.ready();
const out: { measured: Measured[]; notes: string[] } = { measured: [], notes: [] };
const folder = mkdtempSync(path.join(os.tmpdir(), "tierdesk-kb-pages-"));
try {
  const agent = await ctx.users.findByEmail(BENCH_AGENT);
  if (!agent) throw new Error("run the bench seed first: no bench agent");
  const { token } = await ctx.auth.createToken(agent.id, {
    name: "bench kb",
    scopes: ["tickets:read", "tickets:write"],
  });
  const headers = { authorization: `Bearer ${token}` };
  const inject = async (method: "GET" | "POST", url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json() as { total?: number; reply?: { kind: string } };
  };

  // --- Seed ---
  const g0 = performance.now();
  const articles = generateKbArticles(
    ARTICLES,
    1,
    BENCH_SITES.map((s) => s.code),
  );
  const genS = (performance.now() - g0) / 1000;
  const s0 = performance.now();
  await seedKb(database, articles, Date.now());
  const seedS = (performance.now() - s0) / 1000;
  const sections = articles.reduce((n, a) => n + (a.body.match(/^## /gm)?.length ?? 0) + 1, 0);
  out.notes.push(
    `kb: ${ARTICLES} articles generated in ${genS.toFixed(1)} s (${articles.filter((a) => a.parent === null).length} generic, ${articles.filter((a) => a.parent !== null && !a.site).length} translations, ${articles.filter((a) => a.site).length} site variants; ${sections} sections), inserted in ${seedS.toFixed(1)} s`,
  );

  // --- The index build (as `serve` starts it in the background), then the first search ---
  const url = (s: (typeof SEARCHES)[number]) =>
    `/api/v1/kb/search?${new URLSearchParams({ q: s.q, limit: "10", ...s.params })}`;
  const b0 = performance.now();
  await ctx.kb.warmSearch();
  const buildMs = performance.now() - b0;
  out.measured.push({
    ...measure(`kb index build (at start-up, ${ARTICLES} articles)`, [buildMs], buildMs / 1000),
  });
  const f0 = performance.now();
  await inject("GET", url(SEARCHES[0] as (typeof SEARCHES)[number]));
  const firstMs = performance.now() - f0;
  out.measured.push({ ...measure("kb first search after the build", [firstMs], firstMs / 1000) });
  const heap = process.memoryUsage();
  out.notes.push(
    `kb: index built in ${(buildMs / 1000).toFixed(2)} s, first search ${firstMs.toFixed(1)} ms; heap ${Math.round(heap.heapUsed / 2 ** 20)} MB, RSS ${Math.round(heap.rss / 2 ** 20)} MB after it`,
  );

  // --- Search: warm-up, then the mix in turn; and per kind ---
  for (const s of SEARCHES) await inject("GET", url(s));
  const byKind = new Map<string, number[]>();
  const all: number[] = [];
  const t0 = performance.now();
  let zero = 0;
  for (let i = 0; performance.now() - t0 < SECONDS * 1000 && i < 20_000; i++) {
    const s = SEARCHES[i % SEARCHES.length] as (typeof SEARCHES)[number];
    const a = performance.now();
    const r = await inject("GET", url(s));
    const ms = performance.now() - a;
    if (r.total === 0) zero++;
    all.push(ms);
    byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), ms]);
  }
  const searchS = (performance.now() - t0) / 1000;
  out.measured.push(measure(`kb search, ${ARTICLES} articles, query mix (HTTP in-process)`, all, searchS));
  for (const [kind, lat] of byKind)
    out.measured.push(measure(`  kb search: ${kind}`, lat, (searchS * lat.length) / all.length));
  out.notes.push(
    `kb: ${SEARCHES.length} queries in the mix, ${zero} of ${all.length} searches found nothing`,
  );

  // --- Chatbot: a conversation per question (answer, no generative mode) ---
  let unknown = 0;
  out.measured.push(
    await timed("chatbot answer (new conversation, HTTP in-process)", 2000, SECONDS, async (i) => {
      const q = QUESTIONS[i % QUESTIONS.length] as (typeof QUESTIONS)[number];
      const r = await inject("POST", "/api/v1/chatbot/conversations", q);
      if (r.reply?.kind === "unknown") unknown++;
    }),
  );
  out.notes.push(
    `kb: chatbot said "I don't know" to ${unknown} answers (one question of ${QUESTIONS.length} has no answer)`,
  );

  // --- Import 1,000 pages from a folder, then the first search after it ---
  writeKbPages(folder, PAGES, 1);
  const i0 = performance.now();
  const summary = await importDocs(ctx.kb, systemActor, folder, { collection: "bench-import" });
  const importS = (performance.now() - i0) / 1000;
  if (summary.created !== PAGES || summary.failed.length > 0)
    throw new Error(`import: ${JSON.stringify({ ...summary, failed: summary.failed.slice(0, 3) })}`);
  out.measured.push({
    ...measure(`kb import of ${PAGES} pages (total s in p50)`, [], importS, 0, PAGES),
    p50: importS,
  });
  const u0 = performance.now();
  await inject("GET", url(SEARCHES[16] as (typeof SEARCHES)[number]));
  const catchUp = performance.now() - u0;
  out.measured.push({
    ...measure(`kb first search after the import (index takes ${PAGES} pages)`, [catchUp], catchUp / 1000),
  });
  const r0 = performance.now();
  const again = await importDocs(ctx.kb, systemActor, folder, { collection: "bench-import" });
  const reimportS = (performance.now() - r0) / 1000;
  out.measured.push({
    ...measure(`kb re-import of ${PAGES} unchanged pages (total s in p50)`, [], reimportS, 0, PAGES),
    p50: reimportS,
  });
  out.notes.push(
    `kb: import ${importS.toFixed(1)} s, re-import (${again.unchanged} unchanged) ${reimportS.toFixed(1)} s`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
  await app.close();
  await ctx.jobs.stop();
  await database.close();
}
console.log(JSON.stringify(out));
