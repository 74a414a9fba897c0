import { type Actor, SITE_READ_ROLES, sitesWithRole } from "../../shared/actor.js";
import type { Policy } from "../../shared/policy.js";
import type { ArticleRow } from "./kb.repository.js";
import type { Shown } from "./kb.schemas.js";

/** What the knowledge-base policies need to know of an article. */
export type ArticleSubject = { status: string };

/** Agents and coordinators of any site, and hub admins, write the knowledge base for everyone. */
export const canEditKb = (a: Actor): boolean =>
  a.hubAdmin || sitesWithRole(a, ["agent", "coordinator"]).length > 0;

/**
 * What the knowledge base learns from a site's people (their feedback, the words of their searches and
 * tickets) is that site's data: editors read it for the sites where they are staff, hub admins too only
 * through a membership. Feedback and words tied to no one site are read by every editor.
 */
export const kbStaffSites = (a: Actor): number[] => (canEditKb(a) ? sitesWithRole(a, SITE_READ_ROLES) : []);

/** The sites whose words learned from tickets an actor accepts or rejects: where they write the knowledge base. */
export const kbReviewSites = (a: Actor): number[] => sitesWithRole(a, ["agent", "coordinator"]);

export const feedbackPolicy = {
  /** a site's feedback is read by the editors who are its staff; feedback from no one site by every editor */
  read: (a: Actor, f: { siteId: number | null }) =>
    canEditKb(a) && (f.siteId === null || kbStaffSites(a).includes(f.siteId)),
} satisfies Policy<{ siteId: number | null }>;

/** Collections shape the whole hub's knowledge base, so only hub admins manage them. */
export const canManageCollections = (a: Actor): boolean => a.hubAdmin;

export const articlePolicy = {
  /** everyone signed in reads published articles; editors also read drafts, reviews and archives */
  read: (a: Actor, s: ArticleSubject) => s.status === "published" || canEditKb(a),
  update: (a: Actor, _s: ArticleSubject) => canEditKb(a),
  translate: (a: Actor, _s: ArticleSubject) => canEditKb(a),
} satisfies Policy<ArticleSubject>;

/** Who is reading: the site whose variants apply (if any) and the language wanted. */
export type Reader = { siteId: number | null; language: string };
export const baseLang = (l: string): string => l.split("-")[0] ?? l;

/**
 * Chooses what a reader sees of one family (a generic article with its translations and site
 * variants): the site's variant in the reader's language, else the generic text in that language,
 * else the site's variant in English, else the generic English; else the generic article itself.
 */
export function resolveVariant<T extends Pick<ArticleRow, "id" | "parent_id" | "site_id" | "language">>(
  family: readonly T[],
  reader: Reader,
): { article: T; step: number } | undefined {
  const lang = baseLang(reader.language);
  const steps: Array<(a: T) => boolean> = [
    (a) => reader.siteId !== null && a.site_id === reader.siteId && baseLang(a.language) === lang,
    (a) => a.site_id === null && baseLang(a.language) === lang,
    (a) => reader.siteId !== null && a.site_id === reader.siteId && baseLang(a.language) === "en",
    (a) => a.site_id === null && baseLang(a.language) === "en",
    (a) => a.parent_id === null,
  ];
  for (const [step, test] of steps.entries()) {
    // the generic article wins a tie with a translation in the same language
    const found = family.filter(test).sort((a, b) => (a.parent_id ?? 0) - (b.parent_id ?? 0))[0];
    if (found) return { article: found, step };
  }
  return undefined;
}

const kindOf = (a: Pick<ArticleRow, "parent_id" | "site_id">): Shown["kind"] =>
  a.site_id !== null ? "site_variant" : a.parent_id !== null ? "translation" : "generic";

const EXPLAIN = [
  "the variant for your site in your language",
  "the general version in your language",
  "the variant for your site, in English (none in your language yet)",
  "the general version in English (none in your language yet)",
  "the general version (none in your language or English)",
];

/** Tells the reader which text they are shown, and why. */
export function describeShown(
  a: Pick<ArticleRow, "id" | "language" | "site_id" | "parent_id">,
  step: number,
  site: string | null,
): Shown {
  return {
    articleId: a.id,
    language: a.language,
    site,
    kind: kindOf(a),
    explanation: `Showing ${EXPLAIN[step]}.`,
  };
}
