import path from "node:path";
import type { Db } from "../../db/database.js";
import { isUniqueViolation } from "../../db/database.js";
import { type Actor, isMember } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso, toIsoOrNull } from "../../shared/clock.js";
import { AppError, conflict, forbidden, invalid, notFound } from "../../shared/errors.js";
import { allowedActions } from "../../shared/policy.js";
import type { SitesService } from "../sites/sites.service.js";
import { createAssetStore } from "./kb.assets.js";
import { createKbLearning } from "./kb.learning.js";
import type { Section } from "./kb.markdown.js";
import {
  articlePolicy,
  baseLang,
  canEditKb,
  canManageCollections,
  describeShown,
  type Reader,
  resolveVariant,
} from "./kb.policy.js";
import { mergeAndRender, renderArticle } from "./kb.render.js";
import { type ArticleRow, type CollectionRow, createKbRepository } from "./kb.repository.js";
import { type ArticleChange, createRevisions } from "./kb.revisions.js";
import type {
  ArticleCreate,
  ArticleStatus,
  ArticleSummary,
  ArticleUpdate,
  ArticleView,
  Audience,
  CollectionInput,
  CollectionUpdate,
  CollectionView,
  ListQuery,
  Overrides,
  ReadQuery,
  Shown,
} from "./kb.schemas.js";
import { createKbSearch } from "./kb.search.js";
import { createSynonymStore } from "./kb.synonyms.js";
import { createUnanswered } from "./kb.unanswered.js";
import { baseOf, headingKey } from "./kb.variants.js";

/** The knowledge base: collections, articles with revisions, translations and site variants, and search. */
export function createKbService({
  db,
  clock,
  sites,
  dataDir,
}: {
  db: Db;
  clock: Clock;
  sites: SitesService;
  dataDir: string;
}) {
  const repo = createKbRepository(db);
  const assets = createAssetStore(path.join(dataDir, "kb-assets"));

  const collectionView = (actor: Actor, c: CollectionRow): CollectionView => ({
    id: c.id,
    slug: c.slug,
    name: c.name,
    description: c.description,
    position: c.position,
    actions: canManageCollections(actor) ? ["update"] : [],
  });

  async function siteCode(id: number | null): Promise<string | null> {
    return id === null ? null : ((await sites.codes([id])).get(id) ?? null);
  }

  async function summary(a: ArticleRow): Promise<ArticleSummary> {
    return {
      id: a.id,
      familyId: a.parent_id ?? a.id,
      parentId: a.parent_id,
      collectionId: a.collection_id,
      site: await siteCode(a.site_id),
      language: a.language,
      slug: a.slug,
      title: a.title,
      audiences: JSON.parse(a.audiences) as Audience[],
      product: a.product,
      versions: JSON.parse(a.versions) as string[],
      status: a.status as ArticleStatus,
      position: a.position,
      revision: a.revision,
      outOfDate: a.out_of_date === 1,
      updatedAt: toIso(a.updated_at),
      publishedAt: toIsoOrNull(a.published_at),
      overrides: a.overrides as Overrides,
    };
  }

  async function view(
    actor: Actor,
    a: ArticleRow,
    shown: Shown | null,
    merged?: Merged,
  ): Promise<ArticleView> {
    const sections = merged?.sections ?? (JSON.parse(a.sections) as Section[]);
    return {
      ...(await summary(a)),
      body: merged?.body ?? a.body_md,
      html: merged?.html ?? a.body_html,
      sections: sections.map(({ anchor, heading, level }) => ({
        anchor,
        heading,
        level,
        ...(merged ? { fromVariant: merged.fromVariant.has(headingKey(heading)) } : {}),
      })),
      createdAt: toIso(a.created_at),
      shown,
      actions: allowedActions(articlePolicy, actor, a),
    };
  }

  async function readable(actor: Actor, id: number): Promise<ArticleRow> {
    const a = await repo.article(id);
    if (!a || !articlePolicy.read(actor, a)) throw notFound("kb.article_not_found", "No such article");
    return a;
  }

  /** The reader's site: the one asked for (where they belong, or any for editors), else their only site. */
  async function readerOf(actor: Actor, q: { site?: string; lang?: string }): Promise<Reader> {
    const language = q.lang ?? "en";
    if (q.site) {
      const { found } = await sites.resolveCodes([q.site]);
      const site = found[0];
      if (!site) throw notFound("site.not_found", `No site ${q.site}`);
      if (!isMember(actor, site.id) && !canEditKb(actor))
        throw forbidden(
          "kb.site_forbidden",
          "You read the knowledge base only as a member of your own sites",
        );
      return { siteId: site.id, language };
    }
    const mine = [...actor.roles.keys()];
    return { siteId: mine.length === 1 ? (mine[0] as number) : null, language };
  }

  async function shownOf(
    a: Pick<ArticleRow, "id" | "language" | "site_id" | "parent_id">,
    step: number,
  ): Promise<Shown> {
    return describeShown(a, step, await siteCode(a.site_id));
  }

  const revisions = createRevisions({ repo, clock });
  const { applyChange, insertArticle } = revisions;
  const synonyms = createSynonymStore({ db, clock, touch: () => search.touch() });
  const learning = createKbLearning({ db, clock, touch: () => search.touch() });
  const search = createKbSearch({
    clock,
    repo,
    readerOf,
    siteCodes: (ids) => sites.codes(ids),
    synonyms: synonyms.rules,
    learned: learning.source,
  });

  return {
    async listCollections(actor: Actor): Promise<CollectionView[]> {
      return (await repo.collections()).map((c) => collectionView(actor, c));
    },

    async createCollection(actor: Actor, input: CollectionInput): Promise<CollectionView> {
      if (!canManageCollections(actor))
        throw forbidden("kb.collections_forbidden", "Only hub admins manage collections");
      const now = clock.now();
      try {
        const row = await repo.insertCollection({
          slug: input.slug,
          name: input.name,
          description: input.description ?? null,
          position: input.position ?? 0,
          created_at: now,
          updated_at: now,
        });
        return collectionView(actor, row);
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict("kb.collection_exists", `A collection ${input.slug} exists`);
        throw e;
      }
    },

    async updateCollection(actor: Actor, id: number, patch: CollectionUpdate): Promise<CollectionView> {
      if (!canManageCollections(actor))
        throw forbidden("kb.collections_forbidden", "Only hub admins manage collections");
      if (!(await repo.collection(id))) throw notFound("kb.collection_not_found", "No such collection");
      await repo.updateCollection(id, {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.position !== undefined ? { position: patch.position } : {}),
        updated_at: clock.now(),
      });
      return collectionView(actor, (await repo.collection(id)) as CollectionRow);
    },

    /** The collection with this slug, made if missing (imports, acting as the system). */
    async ensureCollection(slug: string, name: string): Promise<CollectionRow> {
      const found = await repo.collectionBySlug(slug);
      if (found) return found;
      const now = clock.now();
      return repo.insertCollection({
        slug,
        name,
        description: null,
        position: 0,
        created_at: now,
        updated_at: now,
      });
    },

    async listArticles(actor: Actor, q: ListQuery): Promise<ArticleSummary[]> {
      const collection = q.collection ? await repo.collectionBySlug(q.collection) : undefined;
      if (q.collection && !collection) return [];
      const editor = canEditKb(actor);
      if (!editor && q.status && q.status !== "published") return [];
      const rows = await repo.list({
        ...(collection ? { collectionId: collection.id } : {}),
        ...(q.status ? { status: q.status } : editor ? {} : { statuses: ["published"] }),
        ...(q.language ? { language: q.language } : {}),
        limit: q.limit,
        offset: q.offset,
      });
      return Promise.all(rows.map(summary));
    },

    async createArticle(actor: Actor, input: ArticleCreate): Promise<ArticleView> {
      if (!canEditKb(actor))
        throw forbidden("kb.edit_forbidden", "Only agents, coordinators and hub admins write articles");
      let collectionId = input.collectionId;
      let siteId: number | null = null;
      let basedOn: number | null = null;
      let audiences = input.audiences;
      if (input.parentId !== undefined) {
        const parent = await repo.article(input.parentId);
        if (!parent)
          throw invalid("kb.parent_not_found", "The parent article does not exist", [
            { field: "parentId", message: "unknown article" },
          ]);
        if (parent.parent_id !== null)
          throw invalid("kb.parent_not_generic", "Translations and variants belong to a generic article", [
            { field: "parentId", message: "not a generic article" },
          ]);
        if (input.site) {
          const { found } = await sites.resolveCodes([input.site]);
          if (!found[0])
            throw invalid("site.not_found", `No site ${input.site}`, [
              { field: "site", message: "unknown site" },
            ]);
          siteId = found[0].id;
        }
        const family = await repo.family(parent.id);
        if (family.some((a) => a.site_id === siteId && baseLang(a.language) === baseLang(input.language)))
          throw conflict("kb.variant_exists", "This article already has a text for that site and language");
        collectionId = parent.collection_id;
        basedOn = parent.revision;
        // A translation or a site variant is read by the same people as the article it adapts, unless told otherwise.
        if (!audiences.length) audiences = JSON.parse(parent.audiences) as typeof audiences;
      } else if (input.site) {
        throw invalid("kb.variant_needs_parent", "A site variant adapts a generic article: give parentId", [
          { field: "parentId", message: "required with site" },
        ]);
      }
      if (!(await repo.collection(collectionId)))
        throw invalid("kb.collection_not_found", "No such collection", [
          { field: "collectionId", message: "unknown collection" },
        ]);
      if (input.overrides === "sections" && siteId === null) throw overridesNeedSite();
      const rendered = await renderArticle(input.body);
      const row = await db.transaction().execute((tx) =>
        insertArticle(
          tx,
          actor,
          {
            collection_id: collectionId,
            parent_id: input.parentId ?? null,
            site_id: siteId,
            language: input.language,
            slug: slugify(input.title),
            title: input.title,
            body_md: input.body,
            audiences: JSON.stringify(audiences),
            product: input.product ?? null,
            versions: JSON.stringify(input.versions),
            status: input.status,
            position: input.position ?? 0,
            based_on_revision: basedOn,
            source_key: null,
            source_hash: null,
            overrides: input.overrides ?? "body",
          },
          rendered,
        ),
      );
      search.touch();
      return view(actor, row, null);
    },

    /** An article as a reader sees it: the variant or translation for their site and language, said so. */
    async getArticle(actor: Actor, id: number, q: ReadQuery): Promise<ArticleView> {
      const asked = await readable(actor, id);
      if (q.exact === "true") return view(actor, asked, null);
      const reader = await readerOf(actor, q);
      const family = (await repo.family(asked.parent_id ?? asked.id)).filter((a) => a.status === "published");
      const chosen = resolveVariant(family, reader);
      if (!chosen) return view(actor, asked, null);
      const shown = await shownOf(chosen.article, chosen.step);
      const base = chosen.article.overrides === "sections" ? baseOf(family, chosen.article) : undefined;
      if (!base || base.id === chosen.article.id) return view(actor, chosen.article, shown);
      // a variant of named sections is read within the general text it completes
      const merged = await mergeAndRender(base.body_md, chosen.article.body_md).catch((e) => {
        // a merge too slow to render (each text alone rendered in time) shows the site's own text alone
        if (e instanceof AppError && e.code === "kb.render_too_complex") return null;
        throw e;
      });
      if (!merged) return view(actor, chosen.article, shown);
      const { body, fromVariant, rendered } = merged;
      const own = rendered.sections
        .filter((x) => fromVariant.has(headingKey(x.heading)))
        .map((x) => x.heading);
      return view(
        actor,
        chosen.article,
        {
          ...shown,
          sectionsFromVariant: own,
          explanation: `${shown.explanation} Your site's own text replaces or adds ${own.length === 1 ? "the section" : "the sections"} ${own.map((x) => `"${x || "introduction"}"`).join(", ")}; the rest is the general text.`,
        },
        { body, html: rendered.html, sections: rendered.sections, fromVariant },
      );
    },

    async updateArticle(actor: Actor, id: number, patch: ArticleUpdate): Promise<ArticleView> {
      const before = await readable(actor, id);
      if (!articlePolicy.update(actor, before))
        throw forbidden("kb.edit_forbidden", "Only agents, coordinators and hub admins write articles");
      if (patch.collectionId !== undefined && !(await repo.collection(patch.collectionId)))
        throw invalid("kb.collection_not_found", "No such collection", [
          { field: "collectionId", message: "unknown collection" },
        ]);
      const rendered = patch.body === undefined ? null : await renderArticle(patch.body);
      await db.transaction().execute(async (tx) => {
        const current = (await repo.article(id, tx)) as ArticleRow;
        if (patch.baseRevision !== undefined && patch.baseRevision !== current.revision)
          throw conflict(
            "kb.revision_conflict",
            `The article changed since revision ${patch.baseRevision}; reload it`,
          );
        const change: ArticleChange = {
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.body !== undefined ? { body_md: patch.body } : {}),
          ...(patch.audiences !== undefined ? { audiences: JSON.stringify(patch.audiences) } : {}),
          ...(patch.product !== undefined ? { product: patch.product } : {}),
          ...(patch.versions !== undefined ? { versions: JSON.stringify(patch.versions) } : {}),
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          ...(patch.collectionId !== undefined ? { collection_id: patch.collectionId } : {}),
          ...(patch.position !== undefined ? { position: patch.position } : {}),
          ...(patch.overrides !== undefined ? { overrides: patch.overrides } : {}),
        };
        if (change.overrides === "sections" && current.site_id === null) throw overridesNeedSite();
        const changed = Object.entries(change).some(([k, v]) => current[k as keyof ArticleRow] !== v);
        if (changed) await applyChange(tx, current, change, actor, patch.note ?? null, rendered);
      });
      search.touch();
      return view(actor, (await repo.article(id)) as ArticleRow, null);
    },

    /** Markdown rendered and sanitised exactly as a saved article would be, for the editor's preview. */
    async preview(actor: Actor, body: string): Promise<{ html: string; sections: Omit<Section, "text">[] }> {
      if (!canEditKb(actor))
        throw forbidden("kb.edit_forbidden", "Only agents, coordinators and hub admins write articles");
      const { html, sections } = await renderArticle(body);
      return { html, sections: sections.map(({ anchor, heading, level }) => ({ anchor, heading, level })) };
    },

    /** The generic article with its translations and variants (editors see every status). */
    async family(actor: Actor, id: number): Promise<ArticleSummary[]> {
      const a = await readable(actor, id);
      const rows = (await repo.family(a.parent_id ?? a.id)).filter((r) => articlePolicy.read(actor, r));
      return Promise.all(rows.map(summary));
    },

    async revisions(actor: Actor, id: number) {
      await readable(actor, id);
      return revisions.list(id);
    },

    async revision(actor: Actor, id: number, number: number) {
      await readable(actor, id);
      return revisions.one(id, number);
    },

    /** What changed between two revisions: a unified diff and the line changes. */
    async diff(actor: Actor, id: number, from: number, to: number) {
      await readable(actor, id);
      return revisions.diff(id, from, to);
    },

    search: search.search,
    /** Writes the search records still waiting to be written (they are written in batches). */
    flushSearches: search.flush,
    /** Builds the search index now (at start-up) instead of on the first search. */
    warmSearch: search.warm,
    /** A search made for another feature (the chatbot), recorded with that source for the reports. */
    searchFor: search.searchFor,
    click: search.click,
    /** words learned from use as articles' search terms */
    learning,
    /** the questions the knowledge base did not answer (GET /kb/unanswered) */
    unanswered: createUnanswered({ db, clock, sites, written: search.flush }),

    /** A reader said an article helped: the searches in which they opened it teach it their words. */
    async learnFromHelpfulArticle(actor: Actor, articleId: number): Promise<void> {
      if (!actor.userId) return;
      await search.flush();
      const searches = await repo.clickedSearches(actor.userId, articleId, clock.now() - LEARN_WINDOW_MS);
      for (const s of searches)
        await learning.record({
          articleId,
          text: s.query,
          language: s.language,
          witness: `user:${actor.userId}`,
          source: "search",
          staff: false,
          siteId: s.site_id,
        });
    },

    /** Staff linked published articles in a reply on a ticket: the ticket's subject teaches them its words. */
    async learnFromStaffLink(
      tx: Db,
      ticket: { id: number; subject: string; siteId: number },
      articleIds: number[],
    ): Promise<void> {
      for (const articleId of new Set(articleIds)) {
        const a = await repo.article(articleId, tx);
        if (a?.status !== "published") continue;
        await learning.record(
          {
            articleId,
            text: ticket.subject,
            language: a.language,
            witness: `ticket:${ticket.id}`,
            source: "ticket",
            staff: true,
            siteId: ticket.siteId,
          },
          tx,
        );
      }
    },
    suggest: search.suggest,
    /** the synonym rules search applies (GET|PUT /kb/synonyms) */
    synonyms,

    /** For the importer: keeps an image under its hash and gives its address; undefined if not an image. */
    storeAsset: assets.store,
    /** An imported image, for any signed-in reader. */
    async readAsset(actor: Actor, name: string): Promise<{ bytes: Buffer; type: string }> {
      if (!articlePolicy.read(actor, { status: "published" }))
        throw notFound("kb.asset_not_found", "No such image");
      const found = await assets.read(name);
      if (!found) throw notFound("kb.asset_not_found", "No such image");
      return found;
    },

    /** For the importer: the article imported from this source, if any. */
    bySource: (key: string) => repo.articleBySource(key),
    /** For the importer: adds a page as an empty draft so that links to it can be written first. */
    async reserveImported(
      actor: Actor,
      key: string,
      collectionId: number,
      title: string,
    ): Promise<ArticleRow> {
      const row = await db.transaction().execute(async (tx) => {
        const now = clock.now();
        return repo.insertArticle(tx, {
          collection_id: collectionId,
          parent_id: null,
          site_id: null,
          language: "en",
          slug: slugify(title),
          title,
          body_md: "",
          body_html: "",
          sections: "[]",
          audiences: "[]",
          product: null,
          versions: "[]",
          status: "draft",
          position: 0,
          revision: 0,
          based_on_revision: null,
          out_of_date: 0,
          source_key: key,
          source_hash: null,
          created_by: actor.userId || null,
          updated_by: actor.userId || null,
          created_at: now,
          updated_at: now,
          published_at: null,
        });
      });
      search.touch();
      return row;
    },
    /** For the importer: writes an imported page's new text as a revision. */
    async writeImported(
      actor: Actor,
      id: number,
      change: ArticleChange & { language?: string },
      note: string,
    ): Promise<void> {
      const rendered = change.body_md === undefined ? null : await renderArticle(change.body_md);
      await db.transaction().execute(async (tx) => {
        const current = (await repo.article(id, tx)) as ArticleRow;
        const { language, ...rest } = change;
        if (language && language !== current.language) await repo.updateArticle(tx, id, { language });
        await applyChange(tx, { ...current, ...(language ? { language } : {}) }, rest, actor, note, rendered);
      });
      search.touch();
    },
    /** For the importer: moves a page in its collection's order without a new revision. */
    async reposition(id: number, position: number): Promise<void> {
      await repo.updateArticle(db, id, { position });
      search.touch();
    },
  };
}
export type KbService = ReturnType<typeof createKbService>;

/** What a reader sees of a variant of named sections: the merged text, and which headings are the variant's. */
type Merged = { body: string; html: string; sections: Section[]; fromVariant: Set<string> };

const overridesNeedSite = () =>
  invalid("kb.overrides_need_site", "Only a site variant overrides named sections", [
    { field: "overrides", message: "needs a site variant" },
  ]);

/** How long after a search a "helpful" on the article opened from it still counts as its answer. */
const LEARN_WINDOW_MS = 24 * 3600_000;

/** A URL-friendly name from a title. */
export function slugify(title: string): string {
  return (
    title
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 100) || "article"
  );
}
