import SearchableMap from "minisearch/SearchableMap";
import { analyze, words } from "./kb.analysis.js";

export { fold, TOKEN, termsOf, words } from "./kb.analysis.js";

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
  /** where an imported page sat in its documentation tree ("api users post"), a breadcrumb */
  path?: string;
};
/** A ranked section; `terms` (the index terms it matched, for highlighting) is worked out when read. */
export type SectionHit = { doc: SectionDoc; score: number; readonly terms: string[] };

/**
 * The indexed fields, with their weights: a word in a heading says more about a section than one in
 * its text. An imported page's folders ("api users post") weigh as its text: 0.5 to 1 measured the
 * same with `npm run eval:kb` on the tuning questions (recall@1 0.704 -> 0.718, MRR 0.807 -> 0.822 at
 * 1), 2 lost recall@3.
 */
const FIELDS = ["title", "heading", "text", "learned", "path"] as const;
const BOOST = [2, 3, 1, 1.5, 1];
/**
 * BM25+ parameters: k is how soon repeating a word stops adding to a section's score, b how much a
 * section longer than the average is discounted for its length, d the floor a matched word always
 * adds. The common defaults are k 1.2, b 0.7, d 0.5; b is raised to 0.85 so that a long list of keys
 * or a change log that names a word many times does not outrank the short section about it (measured
 * with `npm run eval:kb`: recall@1 rose, recall@3 held; b 1 did no better).
 */
const BM25 = { k: 1.2, b: 0.85, d: 0.5 };
/** Learned words are a list, not prose: their number says nothing about the section's length. */
const LENGTH_NORMALISED = [true, true, true, false, true];
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

const NF = FIELDS.length;

/**
 * One index term's postings: the sections it occurs in (slots, ascending) with its count in each
 * field, in flat typed arrays. Removed sections stay until the entry is next compiled (tombstones).
 */
type Entry = {
  slots: Int32Array;
  /** tf[i * NF + f]: how many times the term occurs in field f of section slots[i] */
  tf: Uint8Array;
  n: number;
  /** postings whose section is still indexed */
  live: number;
  /** each posting's whole BM25+ contribution for the index as it is at `epoch` */
  compiled?: { epoch: number; slots: Int32Array; impact: Float32Array };
};

/** A word of a query as the vocabulary expands it: the terms it stands for, with their weight factors. */
type Expansion = Array<{ term: string; entry: Entry; factor: number }>;
/** How many query-word expansions (typos and prefixes found in the vocabulary) are remembered. */
const MAX_EXPANSIONS = 4096;

/** A growable typed array. */
function ensure<T extends { length: number; set(from: ArrayLike<number>): void }>(
  a: T,
  size: number,
  make: (n: number) => T,
): T {
  if (size <= a.length) return a;
  const b = make(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

/**
 * An in-memory inverted index of sections with BM25+ scoring, kept up to date article by article.
 * Each term's postings are flat typed arrays; the first search after a change works out, per term it
 * needs, every posting's whole score (all fields, the length prior) once, so that a search is one
 * multiply-add per posting into a typed array indexed by section slot, with no object per match. Which
 * sections a reader may see is asked once per section and remembered with the set of visible articles.
 * Typos and prefixes are found in a radix tree of the terms (MiniSearch's), and remembered per word.
 */
export function createInvertedIndex() {
  const dict = new Map<string, Entry>();
  const tree = new SearchableMap<Entry>();
  const docs: Array<SectionDoc | undefined> = [];
  let prior = new Float32Array(1024);
  let lengths = new Uint32Array(1024 * NF);
  const totals = new Float64Array(NF);
  const slotsOf = new Map<number, number[]>();
  let articleOf = new Int32Array(1024);
  let live = 0;
  /** slots are handed out in increasing order (so postings stay sorted) and renumbered by `compact` */
  let next = 0;
  /** changes with every change to the index (scores depend on every section's length) */
  let epoch = 0;
  /** changes when a term enters or leaves the vocabulary */
  let vocabulary = 0;
  const expansions = new Map<string, { vocabulary: number; terms: Expansion }>();
  /** per set of visible articles: per slot, 0 not asked yet, 1 visible, 2 not */
  const masks = new WeakMap<object, { epoch: number; mask: Uint8Array }>();
  // scratch space for one search, reused (a search runs synchronously from start to end)
  let scores = new Float64Array(1024);
  let quality = new Uint16Array(1024);
  /** per slot, the last query word that reached it; words are numbered on across searches */
  let mark = new Int32Array(1024);
  let touched = new Int32Array(1024);
  let numbered = 0;

  /** A section's terms with their count per field (capped at 255: BM25 has long saturated by then). */
  function countTerms(
    doc: SectionDoc,
    lengthOf?: (field: number, n: number) => void,
  ): Map<string, Uint8Array> {
    const counts = new Map<string, Uint8Array>();
    for (let f = 0; f < NF; f++) {
      const tokens = analyze(String(doc[FIELDS[f] as (typeof FIELDS)[number]] ?? ""), doc.language);
      lengthOf?.(f, tokens.length);
      for (const t of tokens) {
        let c = counts.get(t);
        if (!c) {
          c = new Uint8Array(NF);
          counts.set(t, c);
        }
        if ((c[f] as number) < 0xff) c[f] = (c[f] as number) + 1;
      }
    }
    return counts;
  }

  function add(doc: SectionDoc): number {
    const slot = next++;
    docs[slot] = doc;
    prior = ensure(prior, next, (n) => new Float32Array(n));
    lengths = ensure(lengths, next * NF, (n) => new Uint32Array(n));
    articleOf = ensure(articleOf, next, (n) => new Int32Array(n));
    articleOf[slot] = doc.articleId;
    prior[slot] = lengthPrior(words(doc.text).length);
    const counts = countTerms(doc, (f, n) => {
      lengths[slot * NF + f] = n;
      totals[f] = (totals[f] as number) + n;
    });
    for (const [t, c] of counts) {
      let e = dict.get(t);
      if (!e) {
        e = { slots: new Int32Array(4), tf: new Uint8Array(4 * NF), n: 0, live: 0 };
        dict.set(t, e);
        tree.set(t, e);
        vocabulary++;
      }
      e.slots = ensure(e.slots, e.n + 1, (n) => new Int32Array(n));
      e.tf = ensure(e.tf, (e.n + 1) * NF, (n) => new Uint8Array(n));
      e.slots[e.n] = slot;
      e.tf.set(c, e.n * NF);
      e.n++;
      e.live++;
    }
    live++;
    return slot;
  }

  function remove(slot: number): void {
    const doc = docs[slot];
    if (!doc) return;
    // the section's terms are analysed again rather than kept per section: a list of terms per
    // section held about as much memory as the postings themselves
    for (const t of countTerms(doc).keys()) {
      const e = dict.get(t);
      if (!e) continue;
      e.live--;
      if (e.live === 0) {
        dict.delete(t);
        tree.delete(t);
        vocabulary++;
      }
    }
    for (let f = 0; f < NF; f++) totals[f] = (totals[f] as number) - (lengths[slot * NF + f] as number);
    docs[slot] = undefined;
    live--;
  }

  /** Drops an entry's postings of removed sections. */
  function prune(e: Entry): void {
    let w = 0;
    for (let i = 0; i < e.n; i++) {
      if (docs[e.slots[i] as number] === undefined) continue;
      if (w !== i) {
        e.slots[w] = e.slots[i] as number;
        e.tf.copyWithin(w * NF, i * NF, (i + 1) * NF);
      }
      w++;
    }
    e.n = w;
  }

  /**
   * Renumbers the sections 0..live-1 once removed ones are as many as the live ones, so that slots
   * (and the per-slot arrays) do not grow without end as articles are edited.
   */
  function compact(): void {
    if (next - live < Math.max(1024, live)) return;
    const renumber = new Int32Array(next).fill(-1);
    let to = 0;
    for (let from = 0; from < next; from++) {
      const doc = docs[from];
      if (doc === undefined) continue;
      renumber[from] = to;
      docs[to] = doc;
      prior[to] = prior[from] as number;
      articleOf[to] = articleOf[from] as number;
      lengths.copyWithin(to * NF, from * NF, (from + 1) * NF);
      to++;
    }
    docs.length = to;
    for (const e of dict.values()) {
      let w = 0;
      for (let i = 0; i < e.n; i++) {
        const s = renumber[e.slots[i] as number] as number;
        if (s < 0) continue;
        e.slots[w] = s;
        e.tf.copyWithin(w * NF, i * NF, (i + 1) * NF);
        w++;
      }
      e.n = w;
      e.compiled = undefined;
    }
    for (const [articleId, slots] of slotsOf)
      slotsOf.set(
        articleId,
        slots.map((s) => renumber[s] as number),
      );
    next = to;
  }

  /** Each live posting's whole score for the index as it is now (all fields, idf, length prior). */
  function compile(e: Entry): { slots: Int32Array; impact: Float32Array } {
    if (e.compiled?.epoch === epoch) return e.compiled;
    if (e.n > e.live) prune(e);
    const df = new Float64Array(NF);
    for (let i = 0; i < e.n; i++)
      for (let f = 0; f < NF; f++) if ((e.tf[i * NF + f] as number) > 0) df[f] = (df[f] as number) + 1;
    const weight = new Float64Array(NF);
    const avg = new Float64Array(NF);
    for (let f = 0; f < NF; f++) {
      const d = df[f] as number;
      weight[f] = (BOOST[f] as number) * Math.log(1 + (live - d + 0.5) / (d + 0.5));
      avg[f] = live ? (totals[f] as number) / live || 1 : 1;
    }
    // a view, not a copy: the postings change only with the epoch, which compiles them again
    const slots = e.slots.subarray(0, e.n);
    const impact = new Float32Array(e.n);
    const { k, b, d } = BM25;
    for (let i = 0; i < e.n; i++) {
      const slot = slots[i] as number;
      let sum = 0;
      for (let f = 0; f < NF; f++) {
        const tf = e.tf[i * NF + f] as number;
        if (tf === 0) continue;
        const norm = LENGTH_NORMALISED[f]
          ? 1 - b + (b * (lengths[slot * NF + f] as number)) / (avg[f] as number)
          : 1;
        sum += (weight[f] as number) * (d + (tf * (k + 1)) / (tf + k * norm));
      }
      impact[i] = sum * (prior[slot] as number);
    }
    e.compiled = { epoch, slots, impact };
    return e.compiled;
  }

  /** The terms a query word stands for: itself, and the vocabulary's words within its typos or prefix. */
  function expand(q: QueryTerm): Expansion {
    const key = `${q.term}\u0000${q.fuzzy}\u0000${q.prefix ? 1 : 0}`;
    const cached = expansions.get(key);
    if (cached && cached.vocabulary === vocabulary) return cached.terms;
    const out: Expansion = [];
    const exact = dict.get(q.term);
    if (exact) out.push({ term: q.term, entry: exact, factor: 1 });
    const prefixed = new Set<string>();
    if (q.prefix)
      for (const [term, entry] of tree.atPrefix(q.term)) {
        const distance = term.length - q.term.length;
        if (!distance) continue;
        prefixed.add(term);
        out.push({
          term,
          entry,
          factor: (WEIGHTS.prefix * term.length) / (term.length + 0.3 * distance),
        });
      }
    if (q.fuzzy > 0)
      for (const [term, [entry, distance]] of tree.fuzzyGet(q.term, q.fuzzy)) {
        if (!distance || prefixed.has(term)) continue;
        out.push({ term, entry, factor: (WEIGHTS.fuzzy * term.length) / (term.length + distance) });
      }
    if (expansions.size >= MAX_EXPANSIONS) expansions.clear();
    expansions.set(key, { vocabulary, terms: out });
    return out;
  }

  /** Whether a section's postings include a slot (binary search: postings are sorted). */
  function has(e: Entry | undefined, slot: number): boolean {
    if (!e) return false;
    let lo = 0;
    let hi = e.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = e.slots[mid] as number;
      if (s === slot) return docs[slot] !== undefined;
      if (s < slot) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  return {
    /** How many sections are indexed. */
    get size() {
      return live;
    },

    /** Replaces the indexed sections of one article (none: it leaves the index). */
    replaceArticle(articleId: number, sections: readonly SectionDoc[]): void {
      epoch++;
      for (const slot of slotsOf.get(articleId) ?? []) remove(slot);
      slotsOf.delete(articleId);
      if (sections.length > 0)
        slotsOf.set(
          articleId,
          sections.map((s) => add(s)),
        );
      compact();
    },

    /**
     * The best `limit` sections of the allowed articles for the query terms, ranked by BM25+ summed
     * over the terms and multiplied by how many different query words matched (as MiniSearch does).
     * `allowed` should be the same object for the same set of articles: what it allows is remembered.
     */
    search(
      query: readonly QueryTerm[],
      allowed: { has(articleId: number): boolean },
      limit: number,
    ): SectionHit[] {
      if (scores.length < next || numbered > 2 ** 30) {
        const n = Math.max(next, scores.length);
        scores = new Float64Array(n);
        quality = new Uint16Array(n);
        mark = new Int32Array(n);
        touched = new Int32Array(n);
        numbered = 0;
      }
      let known = masks.get(allowed);
      if (!known || known.epoch !== epoch || known.mask.length < next) {
        known = { epoch, mask: new Uint8Array(next) };
        masks.set(allowed, known);
      }
      const mask = known.mask;
      // a slot marked below `first` was not reached by this search yet
      const first = numbered + 1;
      let count = 0;
      const looked = new Set<string>();
      // the same query word may come twice (from two languages): its sections count it once
      const order = [...query].sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
      let source = numbered;
      let previous = "";
      for (const q of order) {
        if (q.term !== previous) source++;
        previous = q.term;
        looked.add(q.term);
        for (const { term, entry, factor } of expand(q)) {
          looked.add(term);
          const { slots, impact } = compile(entry);
          const weight = q.weight * factor;
          for (let i = 0; i < slots.length; i++) {
            const slot = slots[i] as number;
            const m = mark[slot] as number;
            if (m !== source) {
              if (m < first) {
                let visible = mask[slot] as number;
                if (visible === 0) {
                  visible = allowed.has(articleOf[slot] as number) ? 1 : 2;
                  mask[slot] = visible;
                }
                if (visible === 2) continue;
                scores[slot] = 0;
                quality[slot] = 0;
                touched[count++] = slot;
              }
              mark[slot] = source;
              quality[slot] = (quality[slot] as number) + 1;
            }
            scores[slot] = (scores[slot] as number) + weight * (impact[i] as number);
          }
        }
      }
      numbered = source;
      // the best `limit`, kept sorted (most candidates fall below the last one at once)
      const best: Array<{ slot: number; score: number }> = [];
      let floor = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < count; c++) {
        const slot = touched[c] as number;
        const score = (scores[slot] as number) * (quality[slot] as number);
        if (best.length === limit && score <= floor) continue;
        let at = best.length;
        while (at > 0 && (best[at - 1] as { score: number }).score < score) at--;
        best.splice(at, 0, { slot, score });
        if (best.length > limit) best.pop();
        if (best.length === limit) floor = (best[limit - 1] as { score: number }).score;
      }
      const terms = [...looked];
      return best.map(({ slot, score }) => {
        let cached: string[] | undefined;
        return {
          doc: docs[slot] as SectionDoc,
          score,
          get terms() {
            cached ??= terms.filter((t) => has(dict.get(t), slot));
            return cached;
          },
        };
      });
    },
  };
}
