import { api, unwrap } from "../../api/client";
import type { Ok } from "../../api/types";
import { t } from "../../i18n/i18n";

export type Article = Ok<"/api/v1/kb/articles/{id}", "get">;
export type ArticleSummary = Ok<"/api/v1/kb/articles", "get">["items"][number];
export type Status = Article["status"];
export type Audience = Article["audiences"][number];
export const STATUSES: Status[] = ["draft", "in_review", "published", "archived"];
export const AUDIENCES: Audience[] = ["end_user", "site_admin", "technical"];

/** A status's name in the interface language. */
export function statusName(s: Status): string {
  switch (s) {
    case "draft":
      return t("admin.kb.status.draft");
    case "in_review":
      return t("admin.kb.status.in_review");
    case "published":
      return t("admin.kb.status.published");
    case "archived":
      return t("admin.kb.status.archived");
  }
}

/** The badge colour of a status. */
export const statusClass = (s: Status): string =>
  s === "published" ? "badge ok" : s === "in_review" ? "badge warn" : "badge";

/** An audience's name in the interface language. */
export function audienceName(a: Audience): string {
  switch (a) {
    case "end_user":
      return t("admin.kb.audience.end_user");
    case "site_admin":
      return t("admin.kb.audience.site_admin");
    case "technical":
      return t("admin.kb.audience.technical");
  }
}

/** What kind of text an article is in its family: the generic one, a translation or a site variant. */
export function kindName(a: Pick<ArticleSummary, "parentId" | "site" | "language">): string {
  if (a.site) return t("admin.kb.kind.variant", { site: a.site, lang: a.language });
  if (a.parentId !== null) return t("admin.kb.kind.translation", { lang: a.language });
  return t("admin.kb.kind.generic", { lang: a.language });
}

/** The language name of a tag in the interface language ("fr" -> "French"), the tag itself if unknown. */
export function languageName(tag: string, lang: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** The very article asked for, not the variant a reader would be shown. */
export const loadArticle = (id: number) =>
  unwrap(api.GET("/api/v1/kb/articles/{id}", { params: { path: { id }, query: { exact: "true" } } }));
