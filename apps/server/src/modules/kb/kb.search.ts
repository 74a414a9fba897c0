import { stemmer as english } from "@orama/stemmers/english";
import { stemmer as french } from "@orama/stemmers/french";
import { stemmer as portuguese } from "@orama/stemmers/portuguese";
import { stemmer as spanish } from "@orama/stemmers/spanish";
import { stopwords as enStop } from "@orama/stopwords/english";
import { stopwords as frStop } from "@orama/stopwords/french";
import { stopwords as ptStop } from "@orama/stopwords/portuguese";
import { stopwords as esStop } from "@orama/stopwords/spanish";
import MiniSearch, { type Query, type SearchResult } from "minisearch";
import type { Actor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { notFound } from "../../shared/errors.js";
import type { Section } from "./kb.markdown.js";
import { baseLang, describeShown, type Reader, resolveVariant } from "./kb.policy.js";
import type { ArticleMeta, KbRepository } from "./kb.repository.js";
import type { SearchHit, SearchQuery, SuggestInput } from "./kb.schemas.js";
import { defaultSynonymRules, expandQuery, type SynonymRule } from "./kb.synonyms.js";

/** One section of one article, as indexed. */
export type SectionDoc = {
  id: string;
  articleId: number;
  anchor: string;
  heading: string;
  title: string;
  text: string;
  language: string;
};
export type SectionHit = { doc: SectionDoc; score: number; terms: string[] };

type Analyzer = { stem: (w: string) => string; stop: Set<string> };
const ANALYZERS: Record<string, Analyzer> = {
  en: { stem: english, stop: new Set(enStop) },
  fr: { stem: french, stop: new Set(frStop) },
  es: { stem: spanish, stop: new Set(esStop) },
  pt: { stem: portuguese, stop: new Set(ptStop) },
};
const PLAIN: Analyzer = { stem: (w) => w, stop: new Set() };

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "");
/** The analyzer of a language tag (pt-BR uses pt); languages without a stemmer are only folded. */
const analyzerFor = (language: string): Analyzer => ANALYZERS[language.split("-")[0] ?? ""] ?? PLAIN;

/**
 * The index terms of one word in a language: its stem by the language's Snowball stemmer and the
 * word itself, both lower-case and without accents (none for a stop word). The stem lets
 * "enregistrements" meet "enregistrer"; the whole word lets a typo be corrected, which a stem of a
 * misspelt word rarely allows.
 */
export function termsOf(word: string, language: string): { stem: string; word: string } | null {
  const { stem, stop } = analyzerFor(language);
  const lower = word.toLowerCase();
  const folded = fold(lower);
  if (stop.has(lower) || stop.has(folded)) return null;
  return { stem: fold(stem(lower)), word: folded };
}

const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;
const words = (s: string): string[] => s.match(TOKEN) ?? [];

/** A text as the index sees it: the terms of each word, in the text's language. */
function analyze(text: string, language: string): string {
  const out: string[] = [];
  for (const w of words(text)) {
    const t = termsOf(w, language);
    if (!t) continue;
    out.push(t.word);
    if (t.stem !== t.word) out.push(t.stem);
  }
  return out.join(" ");
}

/** A pasted request is cut to its first words; more would slow the search without helping it. */
const MAX_QUERY_WORDS = 64;
/** Words brought in by synonym rules, at most (a pasted request could otherwise bring in hundreds). */
const MAX_SYNONYM_WORDS = 32;
/** Field weights: a word in a heading says more about a section than one in its text. */
const BOOST = { heading: 3, title: 2, text: 1 };
/** Typo tolerance grows with the word; a short word must be typed right. */
/**
 * The weight of a word brought in by a synonym rule, against 1 for a word the reader typed: a little
 * less, so that a page in the reader's own words ("nascimento") stays above its translation's page
 * ("birth"). Measured with `npm run eval:kb`: 0.4 and 0.6 lose recall, 0.8 keeps it.
 */
const SYNONYM_WEIGHT = 0.8;
/**
 * BM25+ parameters: k is how soon repeating a word stops adding to a section's score, b how much a
 * section longer than the average is discounted for its length, d the floor a matched word always
 * adds. MiniSearch's defaults are k 1.2, b 0.7, d 0.5; b is raised to 0.85 so that a long list of keys
 * or a change log that names a word many times does not outrank the short section about it (measured
 * with `npm run eval:kb`: recall@1 rose, recall@3 held; b 1 did no better).
 */
const BM25 = { k: 1.2, b: 0.85, d: 0.5 };
/**
 * A section longer than LONG_SECTION words weighs less, by the log of how much longer it is (twice as
 * long: 0.59; eight times: 0.32). BM25 alone lets a change log or a list of keys that names a word a
 * hundred times score as high as the short section about it, because a word's weight saturates; the
 * prior keeps such lists below it.
 */
const LONG_SECTION = 300;
const lengthPrior = (wordCount: number) =>
  wordCount <= LONG_SECTION ? 1 : 1 / (1 + Math.log(wordCount / LONG_SECTION));
const typos = (term: string) => (term.length >= 8 ? 0.25 : term.length >= 4 ? 1 : 0);

/**
 * One in-memory index of every section, in every language. Texts are analysed in their own
 * language when indexed; a query is analysed in each language it may be written in, so that scores
 * stay comparable across languages.
 */
export function createSectionIndex(
  /** the synonym rules in force, read at every search (they may be edited while the index lives) */
  synonyms: () => readonly SynonymRule[] = () => defaultSynonymRules,
) {
  const index = newIndex();
  const docs = new Map<string, SectionDoc>();
  /** each section's length prior (see lengthPrior) */
  const priors = new Map<string, number>();
  const byArticle = new Map<number, string[]>();

  function newIndex() {
    return new MiniSearch<SectionDoc>({
      fields: ["title", "heading", "text"],
      // the id is extracted through here too, and must stay as it is
      extractField: (doc, field) =>
        field === "id" ? doc.id : analyze(String(doc[field as keyof SectionDoc] ?? ""), doc.language),
      tokenize: (s) => s.split(" "),
      processTerm: (t) => t || null,
    });
  }

  return {
    /** Replaces the indexed sections of one article (none: it leaves the index). */
    replaceArticle(articleId: number, sections: SectionDoc[]): void {
      for (const id of byArticle.get(articleId) ?? []) {
        index.discard(id);
        docs.delete(id);
        priors.delete(id);
      }
      byArticle.delete(articleId);
      if (sections.length === 0) return;
      for (const s of sections) {
        docs.set(s.id, s);
        priors.set(s.id, lengthPrior(words(s.text).length));
      }
      index.addAll(sections);
      byArticle.set(
        articleId,
        sections.map((s) => s.id),
      );
    },

    /**
     * Ranked section hits among the allowed articles. Every word of the query is looked for by its
     * stem and, with typos forgiven, as written; the last word also as a prefix (the reader may still
     * be typing it). The words that the synonym rules bring in for the query's phrases ("block her
     * account" brings in "disable user") are looked for too, exactly and weighing a little less.
     */
    search(
      query: string,
      languages: readonly string[],
      allowed: ReadonlySet<number>,
      limit: number,
    ): SectionHit[] {
      const list = words(query).slice(0, MAX_QUERY_WORDS);
      const queries: Query[] = [];
      const add = (w: string, weight: number, typed: boolean, last: boolean) => {
        const stems = new Set<string>();
        const whole = new Set<string>();
        for (const lang of languages) {
          const t = termsOf(w, lang);
          if (!t) continue;
          whole.add(t.word);
          if (t.stem !== t.word) stems.add(t.stem);
        }
        const boostTerm = () => weight;
        for (const term of whole)
          queries.push({
            queries: [term],
            fuzzy: typed ? typos(term) : 0,
            prefix: last && term.length >= 2,
            boostTerm,
          });
        for (const term of stems)
          if (!whole.has(term))
            queries.push({ queries: [term], prefix: last && term.length >= 2, boostTerm });
      };
      list.forEach((w, i) => {
        add(w, 1, true, i === list.length - 1);
      });
      // the documentation's words for what the question says in its own
      const own = new Set(list.map((w) => fold(w.toLowerCase())));
      const extra = [
        ...new Set(
          expandQuery(list.join(" "), synonyms())
            .flatMap(words)
            .map((w) => w.toLowerCase())
            .filter((w) => !own.has(fold(w))),
        ),
      ].slice(0, MAX_SYNONYM_WORDS);
      for (const w of extra) add(w, SYNONYM_WEIGHT, false, false);
      if (queries.length === 0) return [];
      const results: SearchResult[] = index.search(
        { combineWith: "OR", queries },
        {
          boost: BOOST,
          tokenize: (s) => [s],
          processTerm: (t) => t,
          bm25: BM25,
          boostDocument: (id) => priors.get(String(id)) ?? 1,
          filter: (r) => allowed.has(docs.get(String(r.id))?.articleId ?? -1),
        },
      );
      const hits: SectionHit[] = [];
      for (const r of results.slice(0, limit)) {
        const doc = docs.get(String(r.id));
        if (doc) hits.push({ doc, score: r.score, terms: r.terms });
      }
      return hits;
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

type SearchDeps = {
  clock: Clock;
  repo: KbRepository;
  readerOf: (actor: Actor, q: { site?: string; lang?: string }) => Promise<Reader>;
  siteCodes: (ids: number[]) => Promise<Map<number, string>>;
  /** the synonym rules in force (default: the shipped ones) */
  synonyms?: () => Promise<readonly SynonymRule[]>;
};

/** Searching the published knowledge base as a reader sees it, with every search recorded. */
export function createKbSearch({ clock, repo, readerOf, siteCodes, synonyms }: SearchDeps) {
  let rules: readonly SynonymRule[] = defaultSynonymRules;
  const index = createSectionIndex(() => rules);
  let signature = "";
  const metas = new Map<number, Prepared>();
  let families: ArticleMeta[][] = [];
  let building: Promise<void> | null = null;
  let since = 0;

  /**
   * Brings the in-memory index up to date when an article changed since it was last read (here or in
   * another process): everything the first time, then only the articles changed since.
   */
  async function fresh(): Promise<void> {
    const now = await repo.signature();
    if (now === signature) return;
    building ??= (async () => {
      // a minute of overlap covers writers whose clocks run a little behind ours
      const rows = signature === "" ? await repo.allMeta() : await repo.metaSince(since - CLOCK_SKEW_MS);
      for (const a of rows) {
        since = Math.max(since, a.updated_at);
        if (a.status !== "published") {
          metas.delete(a.id);
          index.replaceArticle(a.id, []);
          continue;
        }
        metas.set(a.id, {
          meta: a,
          audiences: JSON.parse(a.audiences) as string[],
          versions: JSON.parse(a.versions) as string[],
        });
        index.replaceArticle(a.id, sectionDocs(a));
      }
      const byRoot = new Map<number, ArticleMeta[]>();
      for (const { meta: a } of metas.values()) {
        const root = a.parent_id ?? a.id;
        byRoot.set(root, [...(byRoot.get(root) ?? []), a]);
      }
      families = [...byRoot.values()];
      signature = now;
    })().finally(() => {
      building = null;
    });
    await building;
  }

  /** The article each family shows this reader, among those passing the filters, with the resolution step. */
  function visible(reader: Reader, f: Filters): Map<number, number> {
    const out = new Map<number, number>();
    for (const family of families) {
      const chosen = resolveVariant(family, reader);
      if (chosen && passes(metas.get(chosen.article.id) as Prepared, f))
        out.set(chosen.article.id, chosen.step);
    }
    return out;
  }

  async function run(actor: Actor, query: string, q: SearchInput, source: string) {
    await fresh();
    if (synonyms) rules = await synonyms();
    const reader = await readerOf(actor, q);
    const collection = q.collection ? await repo.collectionBySlug(q.collection) : undefined;
    const filters: Filters = {
      collectionId: q.collection ? (collection?.id ?? -1) : undefined,
      audience: q.audience,
      product: q.product,
      version: q.version,
      language: q.language,
    };
    const steps = visible(reader, filters);
    // the query is read as the reader's language, English (the fallback) and the language filtered on
    const languages = [
      ...new Set([baseLang(reader.language), "en", ...(q.language ? [baseLang(q.language)] : [])]),
    ];
    const raw = index.search(query, languages, new Set(steps.keys()), q.limit * 5);
    const perArticle = new Map<number, number>();
    const kept = raw.filter((h) => {
      const seen = perArticle.get(h.doc.articleId) ?? 0;
      perArticle.set(h.doc.articleId, seen + 1);
      return seen < MAX_SECTIONS_PER_ARTICLE;
    });
    kept.splice(q.limit);
    const codes = await siteCodes([
      ...new Set(
        kept.map((h) => metas.get(h.doc.articleId)?.meta.site_id).filter((s): s is number => s != null),
      ),
    ]);
    const hits: SearchHit[] = [];
    for (const h of kept) {
      const a = (metas.get(h.doc.articleId) as Prepared).meta;
      hits.push({
        articleId: a.id,
        familyId: a.parent_id ?? a.id,
        title: a.title,
        collectionId: a.collection_id,
        section: { anchor: h.doc.anchor, heading: h.doc.heading },
        link: `/kb/articles/${a.id}${h.doc.anchor ? `#${h.doc.anchor}` : ""}`,
        snippet: snippet(h.doc.text || h.doc.heading, h.terms, a.language),
        score: Math.round(h.score * 1000) / 1000,
        shown: describeShown(
          a,
          steps.get(a.id) ?? 0,
          a.site_id === null ? null : (codes.get(a.site_id) ?? null),
        ),
      });
    }
    const { id } = await repo.insertSearch({
      user_id: actor.userId || null,
      site_id: reader.siteId,
      query: query.slice(0, 2000),
      language: reader.language,
      filters: JSON.stringify({ ...filters, source }),
      result_count: hits.length,
      clicked_article_id: null,
      clicked_anchor: null,
      clicked_at: null,
      created_at: clock.now(),
    });
    return { searchId: id, total: hits.length, hits };
  }

  return {
    /** Ranked section hits for a query, as the reader's site and language resolve each article. */
    search: (actor: Actor, q: SearchQuery) => run(actor, q.q, q, "search"),

    /** The best articles for a request being written, before it becomes a ticket. */
    suggest: (actor: Actor, input: SuggestInput) =>
      run(
        actor,
        `${input.subject} ${input.description ?? ""}`.slice(0, 2000),
        { ...input, limit: 5 },
        "suggest",
      ),

    /** Records which result the searcher opened (the last click counts). */
    async click(
      actor: Actor,
      searchId: number,
      input: { articleId: number; anchor?: string },
    ): Promise<void> {
      const s = await repo.search(searchId);
      if (!s || (s.user_id ?? 0) !== actor.userId) throw notFound("kb.search_not_found", "No such search");
      await repo.recordClick(searchId, input.articleId, input.anchor ?? null, clock.now());
    },
  };
}

const MAX_SECTIONS_PER_ARTICLE = 3;
type SearchInput = Partial<Omit<SearchQuery, "q">> & { limit: number; lang?: string; site?: string };
type Filters = {
  collectionId: number | undefined;
  audience: string | undefined;
  product: string | undefined;
  version: string | undefined;
  language: string | undefined;
};

const CLOCK_SKEW_MS = 60_000;

/** The sections of an article as the index holds them. */
const sectionDocs = (a: ArticleMeta): SectionDoc[] =>
  (JSON.parse(a.sections) as Section[]).map((s, i) => ({
    id: `${a.id}:${i}`,
    articleId: a.id,
    anchor: s.anchor,
    heading: s.heading,
    title: a.title,
    text: s.text,
    language: a.language,
  }));

/** An article parsed once when it is indexed. */
type Prepared = { meta: ArticleMeta; audiences: string[]; versions: string[] };

/** An article without a product or versions applies to all of them. */
function passes({ meta: a, audiences, versions }: Prepared, f: Filters): boolean {
  if (f.collectionId !== undefined && a.collection_id !== f.collectionId) return false;
  if (f.audience && !audiences.includes(f.audience)) return false;
  if (f.product && a.product !== null && a.product.toLowerCase() !== f.product.toLowerCase()) return false;
  if (f.version && versions.length > 0 && !versions.includes(f.version)) return false;
  if (f.language && a.language !== f.language) return false;
  return true;
}
