import { stemmer as english } from "@orama/stemmers/english";
import { stemmer as french } from "@orama/stemmers/french";
import { stemmer as portuguese } from "@orama/stemmers/portuguese";
import { stemmer as spanish } from "@orama/stemmers/spanish";
import { stopwords as enStop } from "@orama/stopwords/english";
import { stopwords as frStop } from "@orama/stopwords/french";
import { stopwords as ptStop } from "@orama/stopwords/portuguese";
import { stopwords as esStop } from "@orama/stopwords/spanish";
import SearchableMap from "minisearch/SearchableMap";

/** One section of one article, as indexed. */
export type SectionDoc = {
  id: string;
  articleId: number;
  anchor: string;
  heading: string;
  title: string;
  text: string;
  language: string;
  /** words learned from use for the article (kb.learning.ts), indexed on its first section only */
  learned?: string;
};
/** A ranked section; `terms` (the index terms it matched, for highlighting) is worked out when read. */
export type SectionHit = { doc: SectionDoc; score: number; readonly terms: string[] };

type Analyzer = { stem: (w: string) => string; stop: Set<string> };
const ANALYZERS: Record<string, Analyzer> = {
  en: { stem: english, stop: new Set(enStop) },
  fr: { stem: french, stop: new Set(frStop) },
  es: { stem: spanish, stop: new Set(esStop) },
  pt: { stem: portuguese, stop: new Set(ptStop) },
};
const PLAIN: Analyzer = { stem: (w) => w, stop: new Set() };

export const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "");
/** The analyzer of a language tag (pt-BR uses pt); languages without a stemmer are only folded. */
const analyzerFor = (language: string): Analyzer => ANALYZERS[language.split("-")[0] ?? ""] ?? PLAIN;

type Terms = { stem: string; word: string } | null;
/**
 * Analysed words by language. Stemming is most of the cost of indexing and a knowledge base repeats
 * its words, so each (language, word) is analysed once; the cache is dropped when it grows too big.
 */
const analysed = new Map<string, Map<string, Terms>>();
const MAX_CACHED_WORDS = 200_000;

/**
 * The index terms of one word in a language: its stem by the language's Snowball stemmer and the
 * word itself, both lower-case and without accents (none for a stop word). The stem lets
 * "enregistrements" meet "enregistrer"; the whole word lets a typo be corrected, which a stem of a
 * misspelt word rarely allows.
 */
export function termsOf(word: string, language: string): Terms {
  let cache = analysed.get(language);
  if (!cache) {
    cache = new Map();
    analysed.set(language, cache);
  }
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  const { stem, stop } = analyzerFor(language);
  const lower = word.toLowerCase();
  const folded = fold(lower);
  const out = stop.has(lower) || stop.has(folded) ? null : { stem: fold(stem(lower)), word: folded };
  if (cache.size >= MAX_CACHED_WORDS) cache.clear();
  cache.set(word, out);
  return out;
}

export const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;
export const words = (s: string): string[] => s.match(TOKEN) ?? [];

/** A text as the index sees it: the terms of each word, in the text's language. */
function analyze(text: string, language: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    const t = termsOf(w, language);
    if (!t) continue;
    out.push(t.word);
    if (t.stem !== t.word) out.push(t.stem);
  }
  return out;
}

/** The indexed fields, with their weights: a word in a heading says more about a section than one in its text. */
const FIELDS = ["title", "heading", "text", "learned"] as const;
const BOOST = [2, 3, 1, 1.5];
/**
 * BM25+ parameters: k is how soon repeating a word stops adding to a section's score, b how much a
 * section longer than the average is discounted for its length, d the floor a matched word always
 * adds. The common defaults are k 1.2, b 0.7, d 0.5; b is raised to 0.85 so that a long list of keys
 * or a change log that names a word many times does not outrank the short section about it (measured
 * with `npm run eval:kb`: recall@1 rose, recall@3 held; b 1 did no better).
 */
const BM25 = { k: 1.2, b: 0.85, d: 0.5 };
/** Learned words are a list, not prose: their number says nothing about the section's length. */
const LENGTH_NORMALISED = [true, true, true, false];
/** How much a word found by prefix or with a typo weighs against one found as typed. */
const WEIGHTS = { prefix: 0.375, fuzzy: 0.45 };
/**
 * A section longer than LONG_SECTION words weighs less, by the log of how much longer it is (twice as
 * long: 0.59; eight times: 0.32). BM25 alone lets a change log or a list of keys that names a word a
 * hundred times score as high as the short section about it, because a word's weight saturates; the
 * prior keeps such lists below it.
 */
const LONG_SECTION = 300;
const lengthPrior = (wordCount: number) =>
  wordCount <= LONG_SECTION ? 1 : 1 / (1 + Math.log(wordCount / LONG_SECTION));

/** One word of a query: looked for as is, and, if asked, by prefix or within `fuzzy` edits. */
export type QueryTerm = { term: string; weight: number; fuzzy: number; prefix: boolean };

/** term -> per field: section slot -> how many times the term occurs there */
type Postings = Array<Map<number, number> | undefined>;

/**
 * An in-memory inverted index of sections with BM25+ scoring, kept up to date article by article.
 * Written for the knowledge base's sizes (tens of thousands of sections): scores are summed into a
 * typed array indexed by section slot, without an object per match, and only the best `limit`
 * sections are kept, so that a common word matching half the sections still answers in a few
 * milliseconds. Typos and prefixes are found in a radix tree of the terms (MiniSearch's).
 */
export function createInvertedIndex() {
  const dict = new SearchableMap<Postings>();
  const docs: Array<SectionDoc | undefined> = [];
  const articleOf: number[] = [];
  const prior: number[] = [];
  const lengths: number[][] = FIELDS.map(() => []);
  const totals = FIELDS.map(() => 0);
  const termsOfSlot: string[][] = [];
  const free: number[] = [];
  const slotsOf = new Map<number, number[]>();
  let live = 0;
  // scratch space for one search, reused (a search runs synchronously from start to end)
  let scores = new Float64Array(1024);
  let quality = new Uint16Array(1024);
  let seen = new Int32Array(1024);
  let lastSource = new Int32Array(1024);
  let generation = 0;

  function grow(size: number) {
    if (size <= scores.length) return;
    const n = Math.max(size, scores.length * 2);
    const s = new Float64Array(n);
    const q = new Uint16Array(n);
    const v = new Int32Array(n);
    const l = new Int32Array(n);
    v.set(seen);
    seen = v;
    scores = s;
    quality = q;
    lastSource = l;
  }

  function add(doc: SectionDoc): number {
    const slot = free.pop() ?? docs.length;
    docs[slot] = doc;
    articleOf[slot] = doc.articleId;
    prior[slot] = lengthPrior(words(doc.text).length);
    const unique = new Set<string>();
    FIELDS.forEach((field, f) => {
      const tokens = analyze(String(doc[field] ?? ""), doc.language);
      (lengths[f] as number[])[slot] = tokens.length;
      totals[f] = (totals[f] as number) + tokens.length;
      const counts = new Map<string, number>();
      for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [t, n] of counts) {
        const postings = dict.fetch(t, () => []);
        let field = postings[f];
        if (!field) {
          field = new Map();
          postings[f] = field;
        }
        field.set(slot, n);
        unique.add(t);
      }
    });
    termsOfSlot[slot] = [...unique];
    live++;
    grow(docs.length);
    return slot;
  }

  function remove(slot: number): void {
    for (const t of termsOfSlot[slot] ?? []) {
      const postings = dict.get(t);
      if (!postings) continue;
      for (const field of postings) field?.delete(slot);
      if (postings.every((p) => !p || p.size === 0)) dict.delete(t);
    }
    FIELDS.forEach((_, f) => {
      totals[f] = (totals[f] as number) - ((lengths[f] as number[])[slot] ?? 0);
    });
    docs[slot] = undefined;
    termsOfSlot[slot] = [];
    free.push(slot);
    live--;
  }

  /** The index terms a section matched among those looked for. */
  function matched(slot: number, looked: readonly string[]): string[] {
    return looked.filter((t) => dict.get(t)?.some((p) => p?.has(slot)));
  }

  return {
    /** How many sections are indexed. */
    get size() {
      return live;
    },

    /** Replaces the indexed sections of one article (none: it leaves the index). */
    replaceArticle(articleId: number, sections: readonly SectionDoc[]): void {
      for (const slot of slotsOf.get(articleId) ?? []) remove(slot);
      slotsOf.delete(articleId);
      if (sections.length === 0) return;
      slotsOf.set(
        articleId,
        sections.map((s) => add(s)),
      );
    },

    /**
     * The best `limit` sections of the allowed articles for the query terms, ranked by BM25+ summed
     * over the terms and multiplied by how many different query words matched (as MiniSearch does).
     */
    search(
      query: readonly QueryTerm[],
      allowed: (articleId: number) => boolean,
      limit: number,
    ): SectionHit[] {
      generation++;
      const gen = generation;
      const touched: number[] = [];
      const looked = new Set<string>();
      const avg = totals.map((t) => (live ? t / live : 0));
      // the same query word may come twice (from two languages): its sections count it once
      const order = [...query].sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
      let sourceId = 0;
      let previous = "";
      const visit = (postings: Postings | undefined, weight: number, source: number) => {
        if (!postings) return;
        for (let f = 0; f < FIELDS.length; f++) {
          const field = postings[f];
          if (!field || field.size === 0) continue;
          const df = field.size;
          const idf = Math.log(1 + (live - df + 0.5) / (df + 0.5));
          const avgLength = (avg[f] as number) || 1;
          const fieldWeight = weight * (BOOST[f] as number);
          const lengthsOf = lengths[f] as number[];
          for (const [slot, tf] of field) {
            const mark = seen[slot] as number;
            if (mark === -gen) continue;
            if (mark !== gen) {
              if (!allowed(articleOf[slot] as number)) {
                seen[slot] = -gen;
                continue;
              }
              seen[slot] = gen;
              scores[slot] = 0;
              quality[slot] = 0;
              lastSource[slot] = 0;
              touched.push(slot);
            }
            const norm = LENGTH_NORMALISED[f]
              ? 1 - BM25.b + (BM25.b * (lengthsOf[slot] as number)) / avgLength
              : 1;
            scores[slot] =
              (scores[slot] as number) +
              fieldWeight *
                (prior[slot] as number) *
                idf *
                (BM25.d + (tf * (BM25.k + 1)) / (tf + BM25.k * norm));
            if (lastSource[slot] !== source) {
              lastSource[slot] = source;
              quality[slot] = (quality[slot] as number) + 1;
            }
          }
        }
      };
      for (const q of order) {
        if (q.term !== previous) sourceId++;
        previous = q.term;
        looked.add(q.term);
        visit(dict.get(q.term), q.weight, sourceId);
        const prefixed = new Set<string>();
        if (q.prefix)
          for (const [term, postings] of dict.atPrefix(q.term)) {
            const distance = term.length - q.term.length;
            if (!distance) continue;
            prefixed.add(term);
            looked.add(term);
            visit(
              postings,
              (q.weight * WEIGHTS.prefix * term.length) / (term.length + 0.3 * distance),
              sourceId,
            );
          }
        if (q.fuzzy > 0)
          for (const [term, [postings, distance]] of dict.fuzzyGet(q.term, q.fuzzy)) {
            if (!distance || prefixed.has(term)) continue;
            looked.add(term);
            visit(postings, (q.weight * WEIGHTS.fuzzy * term.length) / (term.length + distance), sourceId);
          }
      }
      // the best `limit`, kept sorted (most candidates fall below the last one at once)
      const best: Array<{ slot: number; score: number }> = [];
      for (const slot of touched) {
        const score = (scores[slot] as number) * (quality[slot] as number);
        if (best.length === limit && score <= (best[limit - 1] as { score: number }).score) continue;
        let at = best.length;
        while (at > 0 && (best[at - 1] as { score: number }).score < score) at--;
        best.splice(at, 0, { slot, score });
        if (best.length > limit) best.pop();
      }
      const terms = [...looked];
      return best.map(({ slot, score }) => {
        let cached: string[] | undefined;
        return {
          doc: docs[slot] as SectionDoc,
          score,
          get terms() {
            cached ??= matched(slot, terms);
            return cached;
          },
        };
      });
    },
  };
}
