import type { Actor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { notFound } from "../../shared/errors.js";
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
import type { Section } from "./kb.markdown.js";
import { baseLang, describeShown, type Reader, resolveVariant } from "./kb.policy.js";
import type { ArticleMeta, KbRepository } from "./kb.repository.js";
import type { SearchHit, SearchQuery, SuggestInput } from "./kb.schemas.js";
import { defaultSynonymRules, expandQuery, type SynonymRule } from "./kb.synonyms.js";

export { type SectionDoc, type SectionHit, termsOf };

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
 * One in-memory index of every section, in every language. Texts are analysed in their own
 * language when indexed; a query is analysed in each language it may be written in, so that scores
 * stay comparable across languages.
 */
export function createSectionIndex(
  /** the synonym rules in force, read at every search (they may be edited while the index lives) */
  synonyms: () => readonly SynonymRule[] = () => defaultSynonymRules,
) {
  const index = createInvertedIndex();

  return {
    /** Replaces the indexed sections of one article (none: it leaves the index). */
    replaceArticle(articleId: number, sections: SectionDoc[]): void {
      index.replaceArticle(articleId, sections);
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
      allowed: { has(articleId: number): boolean },
      limit: number,
    ): SectionHit[] {
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
          expandQuery(list.join(" "), synonyms())
            .flatMap(words)
            .map((w) => w.toLowerCase())
            .filter((w) => !own.has(fold(w))),
        ),
      ].slice(0, MAX_SYNONYM_WORDS);
      for (const w of extra) add(w, SYNONYM_WEIGHT, false, false);
      if (queries.length === 0) return [];
      return index.search(queries, (id) => allowed.has(id), limit);
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
  /** the words learned from use, if any */
  learned?: LearnedSource;
};

/** The words learned from use, per article (kb.learning.ts), as the index takes them. */
export type LearnedSource = {
  /** changes whenever a learned term is added, strengthened or removed */
  signature: () => Promise<string>;
  /** each article's learned words (repeated by weight), for the given articles or all */
  words: (articleIds?: readonly number[]) => Promise<Map<number, string>>;
  /** the articles whose learned words changed at or after a time */
  changedSince: (ms: number) => Promise<number[]>;
};

/**
 * How long a search trusts the index without asking the database whether another process changed an
 * article (changes made through this process are seen at once: see `touch`).
 */
const RECHECK_MS = 1000;
/** Reader-and-filter combinations whose visible articles are remembered until the next change. */
const MAX_VISIBLE_CACHED = 256;

/** Searching the published knowledge base as a reader sees it, with every search recorded. */
export function createKbSearch({ clock, repo, readerOf, siteCodes, synonyms, learned }: SearchDeps) {
  let rules: readonly SynonymRule[] = defaultSynonymRules;
  const index = createSectionIndex(() => rules);
  let signature = "";
  let checkedAt = Number.NEGATIVE_INFINITY;
  const metas = new Map<number, Prepared>();
  let families: ArticleMeta[][] = [];
  let building: Promise<void> | null = null;
  let since = 0;
  let learnedSince = 0;
  let learnedWords = new Map<number, string>();
  const visibleCache = new Map<string, Map<number, number>>();

  const sameMeta = (a: ArticleMeta, b: ArticleMeta) =>
    (Object.keys(a) as Array<keyof ArticleMeta>).every((k) => a[k] === b[k]);

  /**
   * Brings the in-memory index up to date when an article or its learned words changed since it was
   * last read (here or in another process): everything the first time, then only what changed since.
   * The database is asked at most once a second, or at once after a change made here.
   */
  async function fresh(): Promise<void> {
    const t = performance.now();
    if (signature !== "" && t - checkedAt < RECHECK_MS) return;
    const now = `${await repo.signature()}|${learned ? await learned.signature() : ""}`;
    checkedAt = t;
    if (now === signature) return;
    building ??= (async () => {
      const first = signature === "";
      // a minute of overlap covers writers whose clocks run a little behind ours
      const rows = first ? await repo.allMeta() : await repo.metaSince(since - CLOCK_SKEW_MS);
      const relearn = new Set<number>();
      if (learned) {
        const changed = first ? [] : await learned.changedSince(learnedSince - CLOCK_SKEW_MS);
        learnedSince = clock.now();
        const fresher = await learned.words(first ? undefined : changed);
        if (first) learnedWords = fresher;
        else
          for (const id of changed) {
            const w = fresher.get(id);
            if (w) learnedWords.set(id, w);
            else learnedWords.delete(id);
            relearn.add(id);
          }
      }
      const changedRows = new Set<number>();
      for (const a of rows) {
        since = Math.max(since, a.updated_at);
        const before = metas.get(a.id);
        if (before && sameMeta(before.meta, a) && !relearn.has(a.id)) continue;
        changedRows.add(a.id);
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
        index.replaceArticle(a.id, sectionDocs(a, learnedWords.get(a.id)));
      }
      for (const id of relearn) {
        const p = metas.get(id);
        if (p && !changedRows.has(id)) index.replaceArticle(id, sectionDocs(p.meta, learnedWords.get(id)));
      }
      if (first || changedRows.size > 0) {
        const byRoot = new Map<number, ArticleMeta[]>();
        for (const { meta: a } of metas.values()) {
          const root = a.parent_id ?? a.id;
          const family = byRoot.get(root);
          if (family) family.push(a);
          else byRoot.set(root, [a]);
        }
        families = [...byRoot.values()];
        visibleCache.clear();
      }
      signature = now;
    })().finally(() => {
      building = null;
    });
    await building;
  }

  /** The article each family shows this reader, among those passing the filters, with the resolution step. */
  function visible(reader: Reader, f: Filters): Map<number, number> {
    const key = JSON.stringify([reader.siteId, baseLang(reader.language), f]);
    const cached = visibleCache.get(key);
    if (cached) return cached;
    const out = new Map<number, number>();
    for (const family of families) {
      const chosen = resolveVariant(family, reader);
      if (chosen && passes(metas.get(chosen.article.id) as Prepared, f))
        out.set(chosen.article.id, chosen.step);
    }
    if (visibleCache.size >= MAX_VISIBLE_CACHED) visibleCache.clear();
    visibleCache.set(key, out);
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
    const raw = index.search(query, languages, steps, q.limit * 5);
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
    /** Makes the next search look for changes at once (after an article or learned word was written here). */
    touch(): void {
      checkedAt = Number.NEGATIVE_INFINITY;
    },

    /** Ranked section hits for a query, as the reader's site and language resolve each article. */
    search: (actor: Actor, q: SearchQuery) => run(actor, q.q, q, "search"),

    /** The same search, recorded as made by another feature (the chatbot). */
    searchFor: (actor: Actor, q: SearchQuery, source: "chatbot") => run(actor, q.q, q, source),

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
const sectionDocs = (a: ArticleMeta, learned?: string): SectionDoc[] =>
  (JSON.parse(a.sections) as Section[]).map((s, i) => ({
    ...(i === 0 && learned ? { learned } : {}),
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
