/**
 * Site variants that override named sections (issue 4 §2): a variant whose `overrides` is "sections"
 * holds only the sections its site does differently; each replaces the section of the same heading
 * in the text the reader would otherwise see, and a section whose heading that text lacks is added
 * at its end. A variant whose `overrides` is "body" (the default) replaces the whole text.
 */
import MarkdownIt from "markdown-it";
import type { Section } from "./kb.markdown.js";
import { baseLang } from "./kb.policy.js";
import type { ArticleRow } from "./kb.repository.js";

/** Headings match whatever their case, spacing or accents ("Who to call" is "who to  call"). */
export const headingKey = (heading: string): string =>
  heading.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();

const md = new MarkdownIt({ html: true });

/** A Markdown text cut at its headings of level 1 to 3 (as sections are), each part with its heading's key. */
function parts(source: string): Array<{ key: string; text: string }> {
  const lines = source.split("\n");
  const tokens = md.parse(source, {});
  const starts: Array<{ line: number; key: string }> = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t?.type !== "heading_open" || !t.map || Number(t.tag.slice(1)) > 3) continue;
    starts.push({ line: t.map[0], key: headingKey(tokens[i + 1]?.content ?? "") });
  }
  const out: Array<{ key: string; text: string }> = [];
  const first = starts[0]?.line ?? lines.length;
  const intro = lines.slice(0, first).join("\n");
  if (intro.trim()) out.push({ key: "", text: intro });
  starts.forEach((s, i) => {
    out.push({ key: s.key, text: lines.slice(s.line, starts[i + 1]?.line ?? lines.length).join("\n") });
  });
  return out;
}

/** The text without its final newlines (a regular expression for it rescanned every run of newlines). */
function withoutTrailingNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === "\n") end--;
  return text.slice(0, end);
}

/**
 * The Markdown a reader sees for a section-overriding variant: the base text with the variant's
 * sections in place of those of the same heading (the variant's text before its first heading
 * replaces the base's), and the variant's other sections at the end; with the keys of the headings
 * that came from the variant.
 */
export function mergeMarkdown(base: string, variant: string): { body: string; fromVariant: Set<string> } {
  const own = parts(variant);
  const byKey = new Map(own.map((p) => [p.key, p]));
  const used = new Set<string>();
  const out: string[] = [];
  for (const p of parts(base)) {
    const replaced = byKey.get(p.key);
    if (replaced) used.add(p.key);
    out.push(replaced ? replaced.text : p.text);
  }
  for (const p of own) if (!used.has(p.key)) out.push(p.text);
  return {
    body: out.map(withoutTrailingNewlines).join("\n\n"),
    fromVariant: new Set(own.map((p) => p.key)),
  };
}

/** The same merge over sections as search indexes them: the base's anchors stay where a heading is replaced. */
export function mergeSections(base: readonly Section[], variant: readonly Section[]): Section[] {
  const byKey = new Map(variant.map((s) => [headingKey(s.heading), s]));
  const used = new Set<string>();
  const out = base.map((s) => {
    const key = headingKey(s.heading);
    const replaced = byKey.get(key);
    if (!replaced) return s;
    used.add(key);
    return { ...replaced, anchor: s.anchor };
  });
  for (const s of variant) if (!used.has(headingKey(s.heading))) out.push(s);
  return out;
}

type Member = Pick<ArticleRow, "id" | "parent_id" | "site_id" | "language">;

/**
 * The text a section-overriding variant completes: the family's general text in the variant's
 * language (the generic article before a translation), else the generic article; none if it is not
 * among the given (published) members.
 */
export function baseOf<T extends Member>(family: readonly T[], variant: Member): T | undefined {
  const lang = baseLang(variant.language);
  const general = family.filter((a) => a.site_id === null);
  return (
    general
      .filter((a) => baseLang(a.language) === lang)
      .sort((a, b) => (a.parent_id ?? 0) - (b.parent_id ?? 0))[0] ?? general.find((a) => a.parent_id === null)
  );
}
