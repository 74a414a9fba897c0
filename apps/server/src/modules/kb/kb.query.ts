import {
  createInvertedIndex,
  fold,
  type QueryTerm,
  type SectionDoc,
  type SectionHit,
  TOKEN,
  termsOf,
  words,
} from "./kb.index.js";
import { defaultSynonymRules, expandQuery, type SynonymRule } from "./kb.synonyms.js";

/** A pasted request is cut to its first words; more would slow the search without helping it. */
const MAX_QUERY_WORDS = 64;
/** Words brought in by synonym rules, at most (a pasted request could otherwise bring in hundreds). */
const MAX_SYNONYM_WORDS = 32;
/**
 * The weight of a word brought in by a synonym rule, against 1 for a word the reader typed: a little
 * less, so that a page in the reader's own words ("nascimento") stays above its translation's page
 * ("birth"). Measured with `npm run eval:kb`: 0.4 and 0.6 lose recall, 0.8 keeps it.
 */
const SYNONYM_WEIGHT = 0.8;
/** Typo tolerance grows with the word; a short word must be typed right. */
const typos = (term: string) =>
  term.length >= 8 ? Math.round(term.length * 0.25) : term.length >= 4 ? 1 : 0;
/** A prefix of one or two letters matches too many words to mean anything yet. */
const MIN_PREFIX = 3;

/**
 * The terms of a query: every word by its stem and, with typos forgiven, as written; the last word
 * also as a prefix (the reader may still be typing it); and the words the synonym rules bring in for
 * the query's phrases ("block her account" brings in "disable user"), exactly and weighing a little less.
 */
function analyseQuery(
  query: string,
  languages: readonly string[],
  rules: readonly SynonymRule[],
): QueryTerm[] {
  const list = words(query).slice(0, MAX_QUERY_WORDS);
  const queries: QueryTerm[] = [];
  const add = (w: string, weight: number, typed: boolean, last: boolean) => {
    const stems = new Set<string>();
    const whole = new Set<string>();
    for (const lang of languages) {
      const t = termsOf(w, lang);
      if (!t) continue;
      whole.add(t.word);
      if (t.stem !== t.word) stems.add(t.stem);
    }
    for (const term of whole)
      queries.push({
        term,
        weight,
        fuzzy: typed ? typos(term) : 0,
        prefix: last && term.length >= MIN_PREFIX,
      });
    for (const term of stems)
      if (!whole.has(term))
        queries.push({ term, weight, fuzzy: 0, prefix: last && term.length >= MIN_PREFIX });
  };
  list.forEach((w, i) => {
    add(w, 1, true, i === list.length - 1);
  });
  // the documentation's words for what the question says in its own
  const own = new Set(list.map((w) => fold(w.toLowerCase())));
  const extra = [
    ...new Set(
      expandQuery(list.join(" "), rules)
        .flatMap(words)
        .map((w) => w.toLowerCase())
        .filter((w) => !own.has(fold(w))),
    ),
  ].slice(0, MAX_SYNONYM_WORDS);
  for (const w of extra) add(w, SYNONYM_WEIGHT, false, false);
  return queries;
}

/** Analysed queries remembered (a help desk sees the same questions again and again). */
const MAX_ANALYSED_QUERIES = 2048;

/**
 * One in-memory index of every section, in every language. Texts are analysed in their own
 * language when indexed; a query is analysed in each language it may be written in, so that scores
 * stay comparable across languages.
 */
export function createSectionIndex(
  /** the synonym rules in force, read at every search (they may be edited while the index lives) */
  synonyms: () => readonly SynonymRule[] = () => defaultSynonymRules,
) {
  const index = createInvertedIndex();
  const analysed = new Map<string, { rules: readonly SynonymRule[]; terms: QueryTerm[] }>();

  return {
    /** Replaces the indexed sections of one article (none: it leaves the index). */
    replaceArticle(articleId: number, sections: SectionDoc[]): void {
      index.replaceArticle(articleId, sections);
    },

    /**
     * Ranked section hits among the allowed articles (see analyseQuery for what is looked for).
     * `allowed` should be the same object for the same articles: the index remembers its answers.
     */
    search(
      query: string,
      languages: readonly string[],
      allowed: { has(articleId: number): boolean },
      limit: number,
    ): SectionHit[] {
      const rules = synonyms();
      const key = `${languages.join(",")}\u0000${query}`;
      let queries = analysed.get(key);
      if (!queries || queries.rules !== rules) {
        queries = { rules, terms: analyseQuery(query, languages, rules) };
        if (analysed.size >= MAX_ANALYSED_QUERIES) analysed.clear();
        analysed.set(key, queries);
      }
      if (queries.terms.length === 0) return [];
      return index.search(queries.terms, allowed, limit);
    },
  };
}
export type SectionIndex = ReturnType<typeof createSectionIndex>;

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/**
 * A short extract of the text around the first matched word, HTML-escaped, with every word whose
 * index term matched wrapped in <mark>.
 */
export function snippet(text: string, matched: readonly string[], language: string, width = 200): string {
  const wanted = new Set(matched);
  const marks: Array<[number, number]> = [];
  for (const m of text.matchAll(TOKEN)) {
    const t = termsOf(m[0], language);
    if (t && (wanted.has(t.word) || wanted.has(t.stem))) marks.push([m.index, m.index + m[0].length]);
  }
  const first = marks[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(width / 3));
  if (start > 0) {
    const space = text.indexOf(" ", start);
    if (space !== -1 && space < first) start = space + 1;
  }
  let end = Math.min(text.length, start + width);
  if (end < text.length) {
    const space = text.lastIndexOf(" ", end);
    if (space > first) end = space;
  }
  let out = start > 0 ? "…" : "";
  let at = start;
  for (const [a, b] of marks) {
    if (a < start || b > end) continue;
    out += `${escapeHtml(text.slice(at, a))}<mark>${escapeHtml(text.slice(a, b))}</mark>`;
    at = b;
  }
  out += escapeHtml(text.slice(at, end));
  return end < text.length ? `${out}…` : out;
}
