import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { type App, actorOf, optionalAuth, secured } from "../../app/http.js";
import { notFound } from "../../shared/errors.js";
import { kbLearningRoutes } from "./kb.learning.routes.js";
import {
  article,
  articleCreate,
  articleParams,
  articleSummary,
  articleUpdate,
  clickInput,
  collection,
  collectionInput,
  collectionUpdate,
  diffQuery,
  listQuery,
  preview,
  previewInput,
  readQuery,
  revision,
  revisionDetail,
  revisionDiff,
  revisionParams,
  searchParams,
  searchQuery,
  searchResult,
  suggestInput,
} from "./kb.schemas.js";
import { kbSynonymRoutes } from "./kb.synonyms.js";
import { kbUnansweredRoutes } from "./kb.unanswered.js";
import { createKbReaders, VISITOR_AUDIENCE } from "./kb.visitors.js";

/** The knowledge base: collections, articles with revisions, variants and translations, and search. */
export function kbRoutes(app: App, { kb, sites, clock }: AppContext) {
  const tags = ["knowledge base"];
  const readers = createKbReaders({ sites, clock });
  // search records waiting for their batch are written before the server stops
  app.addHook("onClose", async () => kb.flushSearches());
  app.get(
    "/kb/collections",
    {
      schema: {
        tags,
        summary: "The knowledge base's collections",
        security: optionalAuth,
        response: { 200: z.object({ items: z.array(collection) }) },
      },
    },
    async (req) => ({ items: await kb.listCollections((await readers.reader(req)).actor) }),
  );
  app.post(
    "/kb/collections",
    {
      schema: {
        tags,
        summary: "Add a collection (hub admins)",
        security: secured,
        body: collectionInput,
        response: { 201: collection },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await kb.createCollection(actorOf(req, "tickets:write"), req.body)),
  );
  app.patch(
    "/kb/collections/:id",
    {
      schema: {
        tags,
        summary: "Rename, describe or move a collection (hub admins)",
        security: secured,
        params: articleParams,
        body: collectionUpdate,
        response: { 200: collection },
      },
    },
    async (req) => kb.updateCollection(actorOf(req, "tickets:write"), req.params.id, req.body),
  );

  app.get(
    "/kb/articles",
    {
      schema: {
        tags,
        summary:
          "Articles in collection order (readers: published only; visitors without an account: end-user guides)",
        security: optionalAuth,
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(articleSummary) }) },
      },
    },
    async (req) => {
      const { actor, visitor } = await readers.reader(req);
      const items = await kb.listArticles(actor, req.query);
      return {
        items: visitor ? items.filter((a) => a.audiences.includes(VISITOR_AUDIENCE)) : items,
      };
    },
  );
  app.post(
    "/kb/articles",
    {
      schema: {
        tags,
        summary:
          "Write an article, or a translation or site variant of a generic one (agents, coordinators, hub admins)",
        security: secured,
        body: articleCreate,
        response: { 201: article },
      },
    },
    async (req, reply) => {
      const created = await kb.createArticle(actorOf(req, "tickets:write"), req.body);
      return reply.status(201).header("location", `/api/v1/kb/articles/${created.id}`).send(created);
    },
  );
  app.get(
    "/kb/articles/:id",
    {
      schema: {
        tags,
        summary:
          "An article as the reader sees it: the site's variant or the translation for their language when one exists; `shown` says which",
        security: optionalAuth,
        params: articleParams,
        querystring: readQuery,
        response: { 200: article },
      },
    },
    async (req) => {
      const { actor, visitor } = await readers.reader(req, req.query.site);
      const shown = await kb.getArticle(actor, req.params.id, req.query);
      if (visitor && !shown.audiences.includes(VISITOR_AUDIENCE))
        throw notFound("kb.article_not_found", "No such article");
      return shown;
    },
  );
  app.patch(
    "/kb/articles/:id",
    {
      schema: {
        tags,
        summary: "Edit an article; every edit keeps a revision",
        security: secured,
        params: articleParams,
        body: articleUpdate,
        response: { 200: article },
      },
    },
    async (req) => kb.updateArticle(actorOf(req, "tickets:write"), req.params.id, req.body),
  );
  app.get(
    "/kb/articles/:id/family",
    {
      schema: {
        tags,
        summary: "The generic article with its translations and site variants",
        security: secured,
        params: articleParams,
        response: { 200: z.object({ items: z.array(articleSummary) }) },
      },
    },
    async (req) => ({ items: await kb.family(actorOf(req, "tickets:read"), req.params.id) }),
  );
  app.get(
    "/kb/articles/:id/revisions",
    {
      schema: {
        tags,
        summary: "An article's revisions, newest first",
        security: secured,
        params: articleParams,
        response: { 200: z.object({ items: z.array(revision) }) },
      },
    },
    async (req) => ({ items: await kb.revisions(actorOf(req, "tickets:read"), req.params.id) }),
  );
  app.get(
    "/kb/articles/:id/revisions/:number",
    {
      schema: {
        tags,
        summary: "One revision with its text",
        security: secured,
        params: revisionParams,
        response: { 200: revisionDetail },
      },
    },
    async (req) => kb.revision(actorOf(req, "tickets:read"), req.params.id, req.params.number),
  );
  app.get(
    "/kb/articles/:id/diff",
    {
      schema: {
        tags,
        summary: "What changed between two revisions",
        security: secured,
        params: articleParams,
        querystring: diffQuery,
        response: { 200: revisionDiff },
      },
    },
    async (req) => kb.diff(actorOf(req, "tickets:read"), req.params.id, req.query.from, req.query.to),
  );

  app.post(
    "/kb/preview",
    {
      schema: {
        tags,
        summary: "Render Markdown as an article would show it, sanitised, without saving (editors)",
        security: secured,
        body: previewInput,
        response: { 200: preview },
      },
    },
    async (req) => kb.preview(actorOf(req, "tickets:write"), req.body.body),
  );

  app.get(
    "/kb/assets/:name",
    {
      schema: {
        tags,
        summary: "An image of an imported page",
        security: optionalAuth,
        params: z.strictObject({ name: z.string().max(80) }),
      },
    },
    async (req, reply) => {
      const { actor } = await readers.reader(req);
      const { bytes, type } = await kb.readAsset(actor, req.params.name);
      // named by their content, so they never change
      return reply.type(type).header("cache-control", "private, max-age=31536000, immutable").send(bytes);
    },
  );

  app.get(
    "/kb/search",
    {
      schema: {
        tags,
        summary:
          "Search published articles by section: stemmed per language, typo-tolerant, prefix on the last word; recorded",
        security: optionalAuth,
        querystring: searchQuery,
        response: { 200: searchResult },
      },
    },
    async (req) => {
      const { actor, visitor } = await readers.reader(req, req.query.site);
      return kb.search(actor, visitor ? { ...req.query, audience: VISITOR_AUDIENCE } : req.query);
    },
  );
  app.post(
    "/kb/search/:id/click",
    {
      schema: {
        tags,
        summary: "Record the result the searcher opened",
        security: optionalAuth,
        params: searchParams,
        body: clickInput,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await kb.click((await readers.reader(req)).actor, req.params.id, req.body);
      return reply.status(204).send(null);
    },
  );
  app.post(
    "/kb/suggest",
    {
      schema: {
        tags,
        summary: "Articles that may answer a request being written (recorded like a search)",
        security: secured,
        body: suggestInput,
        response: { 200: searchResult },
      },
    },
    async (req) => kb.suggest(actorOf(req, "tickets:read"), req.body),
  );

  kbSynonymRoutes(app, kb.synonyms);
  kbLearningRoutes(app, kb.learning);
  kbUnansweredRoutes(app, kb.unanswered);
}
