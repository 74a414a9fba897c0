/**
 * `npm run eval:kb` — the knowledge base's search quality, measured.
 *
 * Imports both test corpora (read from ../shared/corpora, or TIERDESK_CORPORA; never copied into the
 * repository) into a temporary SQLite database through the real import code, runs every question of
 * kb-questions.json through the real search, and prints recall@1, recall@3 and MRR@10 over pages,
 * next to a plain baseline measured the same way: SQLite FTS5 bm25 with the Porter stemmer over the
 * title and body of the same imported articles. A measurement, not a test: it fails no build.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import SQLite from "better-sqlite3";
import { createContext } from "../src/app/context.js";
import { loadConfig } from "../src/config/config.js";
import { openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { keyWords, rankPassages } from "../src/modules/chatbot/chatbot.service.js";
import { importDocs, readDocTree } from "../src/modules/kb/kb.import.js";
import { systemActor } from "../src/shared/actor.js";

/**
 * One question and the page that answers it. `set: "holdout"` marks the questions written after the
 * synonym list and the parameters were tuned on the others, and never used to tune them.
 */
type Question = { q: string; page: string; style: "natural" | "typo" | "keyword"; set?: "holdout" };
type Ranked = (string | undefined)[];

const here = path.dirname(fileURLToPath(import.meta.url));
const CORPORA = process.env.TIERDESK_CORPORA ?? path.resolve(here, "../../../../shared/corpora");
const CORPUS_NAMES = ["primero-docs", "gitbook-sample"];
const questions = JSON.parse(readFileSync(path.join(here, "kb-questions.json"), "utf8")) as Question[];
const verbose = process.argv.includes("--verbose");

/** recall@1, recall@3 and MRR@10 of ranked page lists against the expected pages. */
function score(ranked: Ranked[], expected: string[]) {
  let r1 = 0;
  let r3 = 0;
  let mrr = 0;
  ranked.forEach((list, i) => {
    const at = list.slice(0, 10).indexOf(expected[i]);
    if (at === 0) r1++;
    if (at >= 0 && at < 3) r3++;
    if (at >= 0) mrr += 1 / (at + 1);
  });
  const n = ranked.length || 1;
  return { r1: r1 / n, r3: r3 / n, mrr: mrr / n };
}

/** The FTS5 query of a question: every word, quoted, any of them. */
const ftsQuery = (q: string) =>
  (q.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => `"${w.replace(/"/g, "")}"`).join(" OR ");

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "tierdesk-eval-"));
  const file = path.join(dataDir, "eval.sqlite");
  const config = {
    ...loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: "silent",
      SESSION_SECRET: randomBytes(32).toString("hex"),
      PUBLIC_URL: "http://tierdesk.eval",
    }),
    database: { dialect: "sqlite" as const, file },
  };
  const database = openDatabase(config.database);
  try {
    await migrateToLatest(database.db, database.dialect);
    const ctx = createContext(config, database);

    // corpus page ("primero-docs/doc/api.md") <-> article id, through the import's own source keys
    const pageOf = new Map<number, string>();
    for (const name of CORPUS_NAMES) {
      const folder = path.join(CORPORA, name);
      const summary = await importDocs(ctx.kb, systemActor, folder, { collection: name });
      const collection = await ctx.kb.ensureCollection(summary.collection, name);
      for (const p of readDocTree(folder).pages) {
        const row = await ctx.kb.bySource(`${collection.id}:${p.version ?? ""}:${p.rel}`);
        if (row) pageOf.set(row.id, `${name}/${p.file}`);
      }
      console.log(`imported ${name}: ${summary.pages} pages, ${summary.failed.length} unreadable`);
    }
    const known = new Set(pageOf.values());
    const missing = questions.filter((x) => !known.has(x.page));
    if (missing.length > 0)
      throw new Error(`questions point at pages not imported: ${missing.map((x) => x.page).join(", ")}`);

    // Tierdesk's search: section hits, folded to pages in the order they first appear
    const ours: Ranked[] = [];
    const started = performance.now();
    for (const { q } of questions) {
      const { hits } = await ctx.kb.search(systemActor, { q, limit: 50 });
      ours.push([...new Set(hits.map((h) => pageOf.get(h.articleId)))]);
    }
    const ms = (performance.now() - started) / questions.length;

    // the chatbot: the question searched as written (as the chatbot searches a first question), the
    // passages it would quote for its key words (at most three, none when it would say "I don't
    // know"), folded to pages
    const bot: Ranked[] = [];
    let answered = 0;
    for (const { q } of questions) {
      const words = keyWords(q, "en");
      const { hits } = await ctx.kb.search(systemActor, { q, limit: 10 });
      const { passages } = rankPassages(hits, words, "en");
      if (passages.length) answered++;
      bot.push([...new Set(passages.map((p) => pageOf.get(p.articleId)))]);
    }

    // the baseline: FTS5, Porter stemmer, bm25 over title and body
    const raw = new SQLite(file);
    raw.exec("create virtual table eval_fts using fts5(title, body, tokenize = 'porter unicode61')");
    const insert = raw.prepare("insert into eval_fts (rowid, title, body) values (?, ?, ?)");
    const rows = raw
      .prepare("select id, title, body_md from kb_articles where status = 'published'")
      .all() as Array<{ id: number; title: string; body_md: string }>;
    for (const r of rows) insert.run(r.id, r.title, r.body_md);
    const match = raw.prepare(
      "select rowid as id from eval_fts where eval_fts match ? order by bm25(eval_fts) limit 10",
    );
    const baseline: Ranked[] = questions.map(({ q }) => {
      const fq = ftsQuery(q);
      return fq ? (match.all(fq) as Array<{ id: number }>).map((r) => pageOf.get(r.id)) : [];
    });
    raw.close();

    const expected = questions.map((x) => x.page);
    const line = (label: string, s: ReturnType<typeof score>, n: number) =>
      `${label.padEnd(34)} ${String(n).padStart(4)}  ${s.r1.toFixed(3)}     ${s.r3.toFixed(3)}     ${s.mrr.toFixed(3)}`;
    console.log(`\n${"".padEnd(34)}    n  recall@1  recall@3  MRR@10`);
    for (const [label, ranked] of [
      ["tierdesk search", ours],
      ["chatbot (passages quoted)", bot],
      ["baseline (FTS5 bm25, porter)", baseline],
    ] as const) {
      console.log(line(label, score(ranked, expected), questions.length));
      const groups: Array<[string, (x: Question) => boolean]> = [
        ["natural", (x) => x.style === "natural"],
        ["typo", (x) => x.style === "typo"],
        ["keyword", (x) => x.style === "keyword"],
        ["tuning set", (x) => x.set !== "holdout"],
        ["held-out set", (x) => x.set === "holdout"],
      ];
      for (const [name, test] of groups) {
        const idx = questions.flatMap((x, i) => (test(x) ? [i] : []));
        console.log(
          line(
            `  ${name}`,
            score(
              idx.map((i) => ranked[i] as Ranked),
              idx.map((i) => expected[i] as string),
            ),
            idx.length,
          ),
        );
      }
    }
    console.log(`\nmean search time ${ms.toFixed(2)} ms over ${rows.length} articles`);
    console.log(
      `the chatbot quoted passages for ${answered} of ${questions.length} questions (said "I don't know" to the others)`,
    );
    if (verbose)
      questions.forEach((x, i) => {
        const at = (ours[i] as Ranked).indexOf(x.page);
        const b = (baseline[i] as Ranked).indexOf(x.page);
        if (at !== 0)
          console.log(
            `[ours ${at < 0 ? "-" : at + 1} | base ${b < 0 ? "-" : b + 1}] ${x.q} -> ${x.page}\n    got ${(ours[i] as Ranked).slice(0, 3).join(", ")}`,
          );
      });
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
