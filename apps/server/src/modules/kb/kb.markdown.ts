import GithubSlugger from "github-slugger";
import MarkdownIt, { type Token } from "markdown-it";
import sanitizeHtml from "sanitize-html";
import { dropElements } from "../../shared/markup.js";

/** A part of an article under one heading, as search indexes and deep-links it. */
export type Section = { anchor: string; heading: string; level: number; text: string };
export type Rendered = { html: string; sections: Section[]; title: string | null };

// Raw HTML is allowed in the source because documentation trees carry HTML tables; everything is
// sanitised after rendering, so the parser's own link check is a first line, not the only one.
const md = new MarkdownIt({ html: true, linkify: true, typographer: false });

const HINT_CLASSES = ["hint", "hint-info", "hint-warning", "hint-danger", "hint-success"];

/** The allowlist: text formatting, tables, images and links, with no script, event handler or javascript: URL. */
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    ...sanitizeHtml.defaults.allowedTags,
    "img",
    "h1",
    "del",
    "s",
    "details",
    "summary",
    "figure",
    "figcaption",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel"],
    img: ["src", "alt", "title", "width", "height"],
    h1: ["id"],
    h2: ["id"],
    h3: ["id"],
    h4: ["id"],
    h5: ["id"],
    h6: ["id"],
    div: ["class"],
    code: ["class"],
    th: ["colspan", "rowspan", "align"],
    td: ["colspan", "rowspan", "align"],
    ol: ["start"],
  },
  allowedClasses: { div: [...HINT_CLASSES, "content-ref", "embed"], code: ["language-*"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: /^https?:/i.test(attribs.href ?? "") ? { ...attribs, rel: "noopener noreferrer" } : attribs,
    }),
  },
};

/** Removes anything that could run in a reader's browser from rendered HTML. */
export const sanitize = (html: string): string => sanitizeHtml(html, SANITIZE);

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** The readable text of an HTML fragment (for search), with cells and blocks kept apart by spaces. */
export function htmlText(html: string): string {
  // Linear on any input: a tag cannot contain "<", so each unclosed "<" is looked at up to the next one.
  return dropElements(html, ["script", "style"], " ")
    .replace(/<[^<>]*>/g, " ")
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, name: string) => {
      if (name[0] === "#") {
        const code =
          name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : " ";
      }
      return ENTITIES[name.toLowerCase()] ?? all;
    })
    .replace(/\s+/g, " ")
    .trim();
}

/** The plain text of an inline token's children (headings, paragraphs). */
function inlineText(token: Token): string {
  if (!token.children) return token.content;
  return token.children
    .map((c) => {
      if (c.type === "text" || c.type === "code_inline") return c.content;
      if (c.type === "image") return c.content;
      if (c.type === "softbreak" || c.type === "hardbreak") return " ";
      return "";
    })
    .join("");
}

/**
 * Renders article Markdown to sanitised HTML, gives each heading a stable anchor, and splits the
 * text into sections at headings of level 1 to 3 (the text before the first heading is the intro).
 */
export function renderMarkdown(source: string): Rendered {
  const tokens = md.parse(source, {});
  const slugger = new GithubSlugger();
  const sections: Section[] = [];
  let current: Section = { anchor: "", heading: "", level: 0, text: "" };
  let title: string | null = null;
  const push = (text: string) => {
    if (text.trim()) current.text += (current.text ? " " : "") + text.replace(/\s+/g, " ").trim();
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.type === "heading_open") {
      const inline = tokens[i + 1] as Token;
      const heading = inlineText(inline).replace(/\s+/g, " ").trim();
      const anchor = slugger.slug(heading || "section");
      t.attrSet("id", anchor);
      const level = Number(t.tag.slice(1));
      if (level === 1 && title === null) title = heading;
      if (level <= 3) {
        if (current.text || current.heading) sections.push(current);
        current = { anchor, heading, level, text: "" };
      } else push(heading);
      i++;
      continue;
    }
    if (t.type === "inline") push(inlineText(t));
    else if (t.type === "fence" || t.type === "code_block") push(t.content);
    else if (t.type === "html_block") push(htmlText(t.content));
  }
  if (current.text || current.heading) sections.push(current);

  const html = sanitize(md.renderer.render(tokens, md.options, {}));
  return { html, sections, title };
}
