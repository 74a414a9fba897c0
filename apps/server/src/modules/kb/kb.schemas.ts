import { z } from "zod";
import { text } from "../../shared/text.js";

export const ARTICLE_STATUSES = ["draft", "in_review", "published", "archived"] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];
export const AUDIENCES = ["end_user", "site_admin", "technical"] as const;
export type Audience = (typeof AUDIENCES)[number];
/** A site variant replaces the whole text ("body") or only the sections it has, by heading ("sections"). */
export const OVERRIDES = ["body", "sections"] as const;
export type Overrides = (typeof OVERRIDES)[number];

/** Language tags: a two- or three-letter code with an optional region (en, fr, pt-BR). */
const language = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, "a language tag such as en, fr or pt-BR");
const slug = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "lower-case letters, digits and dashes");
const id = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);

export const collectionInput = z.strictObject({
  slug,
  name: text(200),
  description: text(2000).nullable().optional(),
  position: z.number().int().min(0).max(100_000).optional(),
});
export type CollectionInput = z.infer<typeof collectionInput>;
export const collectionUpdate = collectionInput.omit({ slug: true }).partial();
export type CollectionUpdate = z.infer<typeof collectionUpdate>;
export const collection = z.object({
  id: z.number(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  position: z.number(),
  actions: z.array(z.string()),
});
export type CollectionView = z.infer<typeof collection>;

export const articleCreate = z.strictObject({
  collectionId: id,
  title: text(300),
  body: text(500_000, 0),
  language: language.default("en"),
  audiences: z.array(z.enum(AUDIENCES)).max(3).default([]),
  product: text(100).nullable().optional(),
  versions: z.array(text(50)).max(50).default([]),
  status: z.enum(ARTICLE_STATUSES).default("draft"),
  position: z.number().int().min(0).max(100_000).optional(),
  parentId: id.optional().describe("The generic article this one translates or adapts"),
  site: text(20).optional().describe("Site code: makes this a variant of the parent for one site"),
  overrides: z
    .enum(OVERRIDES)
    .optional()
    .describe(
      'A site variant\'s reach: "body" (default) replaces the whole text; "sections" replaces only the sections of the same heading',
    ),
});
export type ArticleCreate = z.infer<typeof articleCreate>;

export const articleUpdate = z
  .strictObject({
    title: text(300).optional(),
    body: text(500_000, 0).optional(),
    audiences: z.array(z.enum(AUDIENCES)).max(3).optional(),
    product: text(100).nullable().optional(),
    versions: z.array(text(50)).max(50).optional(),
    status: z.enum(ARTICLE_STATUSES).optional(),
    collectionId: id.optional(),
    position: z.number().int().min(0).max(100_000).optional(),
    overrides: z.enum(OVERRIDES).optional().describe("A site variant's reach (see article creation)"),
    note: text(500).optional().describe("Why it changed, kept with the revision"),
    baseRevision: z
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1)
      .optional()
      .describe("The revision the edit was made on; a newer one on the server is a conflict"),
  })
  .refine(
    (o) => Object.entries(o).some(([k, v]) => k !== "note" && k !== "baseRevision" && v !== undefined),
    {
      message: "nothing to change",
    },
  );
export type ArticleUpdate = z.infer<typeof articleUpdate>;

export const articleParams = z.strictObject({ id });
export const revisionParams = z.strictObject({ id, number: id });
export const readQuery = z.strictObject({
  lang: language.optional().describe("The reader's language (default en)"),
  site: text(20).optional().describe("The reader's site code (default: their only site, if one)"),
  exact: z
    .enum(["true", "false"])
    .optional()
    .describe("true: this very article, without choosing a variant or translation"),
});
export type ReadQuery = z.infer<typeof readQuery>;
export const diffQuery = z.strictObject({ from: id, to: id });

export const listQuery = z.strictObject({
  collection: text(100).optional().describe("collection slug"),
  status: z.enum(ARTICLE_STATUSES).optional(),
  language: language.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type ListQuery = z.infer<typeof listQuery>;

const shown = z.object({
  articleId: z.number(),
  language: z.string(),
  site: z.string().nullable(),
  kind: z.enum(["site_variant", "translation", "generic"]),
  explanation: z.string(),
  sectionsFromVariant: z
    .array(z.string())
    .optional()
    .describe("The headings of the sections the site variant replaces or adds (section overrides only)"),
});
export type Shown = z.infer<typeof shown>;

export const articleSummary = z.object({
  id: z.number(),
  familyId: z.number(),
  parentId: z.number().nullable(),
  collectionId: z.number(),
  site: z.string().nullable(),
  language: z.string(),
  slug: z.string(),
  title: z.string(),
  audiences: z.array(z.enum(AUDIENCES)),
  product: z.string().nullable(),
  versions: z.array(z.string()),
  status: z.enum(ARTICLE_STATUSES),
  position: z.number(),
  revision: z.number(),
  outOfDate: z.boolean(),
  updatedAt: z.string(),
  publishedAt: z.string().nullable(),
  overrides: z.enum(OVERRIDES),
});
export type ArticleSummary = z.infer<typeof articleSummary>;

export const article = articleSummary.extend({
  body: z.string(),
  html: z.string(),
  sections: z.array(
    z.object({
      anchor: z.string(),
      heading: z.string(),
      level: z.number(),
      fromVariant: z.boolean().optional().describe("true: the site variant's own section"),
    }),
  ),
  createdAt: z.string(),
  shown: shown.nullable().describe("Which variant or translation is shown, when one was chosen"),
  actions: z.array(z.string()),
});
export type ArticleView = z.infer<typeof article>;

export const revision = z.object({
  number: z.number(),
  title: z.string(),
  status: z.enum(ARTICLE_STATUSES),
  note: z.string().nullable(),
  authorId: z.number().nullable(),
  authorName: z.string(),
  createdAt: z.string(),
});
export const revisionDetail = revision.extend({ body: z.string() });
export const revisionDiff = z.object({
  from: z.number(),
  to: z.number(),
  patch: z.string().describe("A unified diff of the Markdown"),
  changes: z.array(z.object({ kind: z.enum(["added", "removed", "same"]), text: z.string() })),
});

export const previewInput = z.strictObject({ body: text(500_000, 0) });
export const preview = z.object({
  html: z.string().describe("Sanitised HTML, exactly as readers would see it"),
  sections: z.array(z.object({ anchor: z.string(), heading: z.string(), level: z.number() })),
});

export const searchQuery = z.strictObject({
  q: text(300),
  lang: language.optional(),
  site: text(20).optional(),
  collection: text(100).optional(),
  audience: z.enum(AUDIENCES).optional(),
  product: text(100).optional(),
  version: text(50).optional(),
  language: language.optional().describe("Only articles written in this language"),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export type SearchQuery = z.infer<typeof searchQuery>;
export const searchHit = z.object({
  articleId: z.number(),
  familyId: z.number(),
  title: z.string(),
  collectionId: z.number(),
  section: z.object({ anchor: z.string(), heading: z.string() }),
  link: z.string().describe("Deep link to the heading"),
  snippet: z.string().describe("HTML-escaped text with <mark> around matched words"),
  score: z.number(),
  shown: shown,
});
export type SearchHit = z.infer<typeof searchHit>;
export const searchResult = z.object({
  searchId: z.number().describe("Send it back with POST /kb/search/{id}/click when a result is opened"),
  total: z.number().describe("How many hits are returned (at most `limit`, three sections per article)"),
  hits: z.array(searchHit),
});
export const searchParams = z.strictObject({ id });
export const clickInput = z.strictObject({ articleId: id, anchor: z.string().max(200).optional() });

export const suggestInput = z.strictObject({
  subject: text(300),
  description: text(20_000, 0).optional(),
  lang: language.optional(),
  site: text(20).optional(),
});
export type SuggestInput = z.infer<typeof suggestInput>;
