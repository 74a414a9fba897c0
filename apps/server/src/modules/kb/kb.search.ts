import type { Actor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { notFound } from "../../shared/errors.js";
import { type SectionDoc, type SectionHit, termsOf } from "./kb.index.js";
import type { Section } from "./kb.markdown.js";
import { baseLang, describeShown, type Reader, resolveVariant } from "./kb.policy.js";
import { createSectionIndex, snippet } from "./kb.query.js";
import type { ArticleMeta, KbRepository } from "./kb.repository.js";
import type { SearchHit, SearchQuery, SuggestInput } from "./kb.schemas.js";
import { createSearchLog } from "./kb.searchlog.js";
import { defaultSynonymRules, type SynonymRule } from "./kb.synonyms.js";
import { baseOf, mergeSections } from "./kb.variants.js";

export { createSectionIndex, snippet } from "./kb.query.js";
export { type SectionDoc, type SectionHit, termsOf };

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
  let families: IndexedMeta[][] = [];
  let familyOf = new Map<number, IndexedMeta[]>();
  let building: Promise<void> | null = null;
  let since = 0;
  let learnedSince = 0;
  let learnedWords = new Map<number, string>();
  const visibleCache = new Map<string, Map<number, number>>();
  const log = createSearchLog(repo);

  const sameMeta = (kept: IndexedMeta, row: ArticleMeta) =>
    kept.sectionsHash === hashOf(row.sections) &&
    (Object.keys(kept) as Array<keyof IndexedMeta>).every((k) => k === "sectionsHash" || kept[k] === row[k]);

  /**
   * Brings the in-memory index up to date when an article or its learned words changed since it was
   * last read (here or in another process): everything the first time, then only what changed since.
   * The database is asked at most once a second, or at once after a change made here; the synonym
   * rules are read again at the same moments.
   */
  async function fresh(): Promise<void> {
    const t = performance.now();
    if (signature !== "" && t - checkedAt < RECHECK_MS) return;
    const now = `${await repo.signature()}|${learned ? await learned.signature() : ""}`;
    if (synonyms) rules = await synonyms();
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
      // families whose general text changed: their variants of named sections are merged again
      const changedRoots = new Set<number>();
      // articles indexed once every text is read (variants of named sections need their base)
      const later = new Set<number>();
      let done = 0;
      for (const a of rows) {
        // a big first build gives the event loop back now and then, so the server keeps answering
        if (++done % BUILD_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
        since = Math.max(since, a.updated_at);
        const before = metas.get(a.id);
        if (before && sameMeta(before.meta, a) && !relearn.has(a.id)) continue;
        changedRows.add(a.id);
        if (a.site_id === null) changedRoots.add(a.parent_id ?? a.id);
        if (a.status !== "published") {
          metas.delete(a.id);
          index.replaceArticle(a.id, []);
          continue;
        }
        const { sections, ...meta } = a;
        metas.set(a.id, {
          meta: { ...meta, sectionsHash: hashOf(sections) },
          audiences: JSON.parse(a.audiences) as string[],
          versions: JSON.parse(a.versions) as string[],
        });
        if (a.site_id !== null && a.overrides === "sections") later.add(a.id);
        else
          index.replaceArticle(
            a.id,
            sectionDocs(a, JSON.parse(sections) as Section[], learnedWords.get(a.id)),
          );
      }
      if (first || changedRows.size > 0) {
        const byRoot = new Map<number, IndexedMeta[]>();
        for (const { meta: a } of metas.values()) {
          const root = a.parent_id ?? a.id;
          const family = byRoot.get(root);
          if (family) family.push(a);
          else byRoot.set(root, [a]);
        }
        families = [...byRoot.values()];
        familyOf = byRoot;
        visibleCache.clear();
      }
      for (const id of relearn) if (!changedRows.has(id)) later.add(id);
      for (const root of changedRoots)
        for (const m of familyOf.get(root) ?? [])
          if (m.site_id !== null && m.overrides === "sections") later.add(m.id);
      if (later.size > 0) {
        // the texts are read again here rather than kept for every article (they are in the index)
        const bases = new Map<number, number>();
        for (const id of later) {
          const p = metas.get(id);
          const base = p && baseOfVariant(p.meta);
          if (base) bases.set(id, base.id);
        }
        const texts = await repo.sectionsOf([...new Set([...later, ...bases.values()])]);
        const sectionsOf = (id: number) => JSON.parse(texts.get(id) ?? "[]") as Section[];
        for (const id of later) {
          const p = metas.get(id);
          if (!p || !texts.has(id)) continue;
          const base = bases.get(id);
          const sections =
            base === undefined ? sectionsOf(id) : mergeSections(sectionsOf(base), sectionsOf(id));
          index.replaceArticle(id, sectionDocs(p.meta, sections, learnedWords.get(id)));
        }
      }
      signature = now;
    })().finally(() => {
      building = null;
    });
    await building;
  }

  /** The general text a variant of named sections is merged into for its site's readers, if any. */
  function baseOfVariant(a: IndexedMeta): IndexedMeta | undefined {
    if (a.site_id === null || a.overrides !== "sections") return undefined;
    const base = baseOf(familyOf.get(a.parent_id ?? a.id) ?? [], a);
    return base && base.id !== a.id ? base : undefined;
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
    const id = await log.record({
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
    /** Writes the search records still waiting (call before reading them back). */
    flush: () => log.flush(),

    /** Builds the index now (at start-up, in the background) rather than on the first reader's search. */
    warm: () => fresh(),

    /** Makes the next search look for changes at once (after an article, learned word or synonym was written here). */
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
      await log.flush();
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
/** Articles indexed between two turns of the event loop while the index is built or caught up. */
const BUILD_SLICE = 250;

/** The sections of an article as the index holds them. */
const sectionDocs = (a: IndexedMeta | ArticleMeta, sections: Section[], learned?: string): SectionDoc[] => {
  const path = pathOf(a.source_key);
  return sections.map((s, i) => ({
    ...(path ? { path } : {}),
    ...(i === 0 && learned ? { learned } : {}),
    id: `${a.id}:${i}`,
    articleId: a.id,
    anchor: s.anchor,
    heading: s.heading,
    title: a.title,
    text: s.text,
    language: a.language,
  }));
};

/**
 * The folders and file name of an imported page ("doc/api/users/post.md" is "doc api users post"):
 * documentation trees name their topics in their folders, as a breadcrumb does. The source key is
 * "<collection>:<version>:<path>".
 */
function pathOf(sourceKey: string | null): string | undefined {
  const rel = sourceKey?.split(":").slice(2).join(":");
  return rel ? rel.replace(/\.[a-z]+$/i, "").replace(/[/_.-]+/g, " ") : undefined;
}

/**
 * What search keeps of an article: its metadata without its text (the index holds the text, and the
 * sections' JSON kept for every article was as big again), with a hash of the text to tell a changed
 * article from one read again unchanged.
 */
type IndexedMeta = Omit<ArticleMeta, "sections"> & { sectionsHash: number };
/** An article parsed once when it is indexed. */
type Prepared = { meta: IndexedMeta; audiences: string[]; versions: string[] };

/** FNV-1a over the UTF-16 code units of a text: equal texts, equal hashes. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** An article without a product or versions applies to all of them. */
function passes({ meta: a, audiences, versions }: Prepared, f: Filters): boolean {
  if (f.collectionId !== undefined && a.collection_id !== f.collectionId) return false;
  if (f.audience && !audiences.includes(f.audience)) return false;
  if (f.product && a.product !== null && a.product.toLowerCase() !== f.product.toLowerCase()) return false;
  if (f.version && versions.length > 0 && !versions.includes(f.version)) return false;
  if (f.language && a.language !== f.language) return false;
  return true;
}
