import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import type { Actor } from "../../shared/actor.js";
import { htmlText } from "./kb.markdown.js";
import { ARTICLE_STATUSES, type ArticleStatus, AUDIENCES, type Audience } from "./kb.schemas.js";
import { type KbService, slugify } from "./kb.service.js";

/** One page read from a documentation tree, ready to import. */
export type SourcePage = {
  /** path from the folder given to the import, with forward slashes */
  file: string;
  /** path inside its tree (links between pages are relative to it) */
  rel: string;
  version: string | null;
  title: string;
  body: string;
  language: string;
  audiences: Audience[];
  product: string | null;
  status: ArticleStatus;
};
export type ImportProblem = { file: string; error: string };
export type ImportSummary = {
  collection: string;
  pages: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: ImportProblem[];
  skipped: Array<{ file: string; reason: string }>;
  /** relative links that point at nothing imported (left as written) */
  unresolvedLinks: number;
};
export type ImportOptions = {
  collection?: string;
  version?: string;
  onProgress?: (done: number, total: number) => void;
};

const IGNORED_DIRS = new Set([".git", ".gitbook", "node_modules"]);

/** Every .md file under a folder, in path order with README.md first in each folder. */
function markdownFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => {
    const ra = a.name.toLowerCase() === "readme.md" ? 0 : 1;
    const rb = b.name.toLowerCase() === "readme.md" ? 0 : 1;
    return ra - rb || a.name.localeCompare(b.name);
  });
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!IGNORED_DIRS.has(e.name)) out.push(...markdownFiles(full, base));
    } else if (e.name.toLowerCase().endsWith(".md"))
      out.push(path.relative(base, full).split(path.sep).join("/"));
  }
  return out;
}

/** The pages listed in a GitBook SUMMARY.md, in reading order, with their labels. */
export function parseSummary(text: string): Array<{ rel: string; label: string }> {
  const out: Array<{ rel: string; label: string }> = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*[*+-]\s+\[([^\]]*)\]\(<?([^)>\s]+)>?(?:\s+"[^"]*")?\)/.exec(line);
    if (!m?.[2] || /^[a-z][a-z0-9+.-]*:/i.test(m[2])) continue;
    const rel = path.posix.normalize(decodeURIComponent(m[2].split("#")[0] ?? ""));
    if (rel.endsWith(".md") && !out.some((p) => p.rel === rel)) out.push({ rel, label: m[1] ?? "" });
  }
  return out;
}

/**
 * Turns GitBook's template blocks into Markdown and HTML the renderer keeps: hints become styled
 * boxes, content references and embeds become links (nothing is embedded), tabs become bold labels,
 * and the &#x20; entities GitBook sprinkles become plain spaces. Linear in the page's length: a block's
 * text stops at the next opener of its kind, so blocks that never close are not scanned again and again.
 */
export function gitbookToMarkdown(source: string): string {
  const block = (cls: string, inner: string) => `\n<div class="${cls}">\n\n${inner.trim()}\n\n</div>\n`;
  return (
    source
      .replace(
        /\{%\s*hint\s+style="(\w+)"\s*%\}((?:(?!\{%\s*hint\s)[\s\S])*?)\{%\s*endhint\s*%\}/g,
        (_m, style: string, inner: string) =>
          block(
            `hint hint-${["info", "warning", "danger", "success"].includes(style) ? style : "info"}`,
            inner,
          ),
      )
      .replace(
        /\{%\s*content-ref\s+url="([^"]+)"\s*%\}((?:(?!\{%\s*content-ref\s)[\s\S])*?)\{%\s*endcontent-ref\s*%\}/g,
        (_m, url: string, inner: string) => block("content-ref", inner.trim() || `[${url}](${url})`),
      )
      .replace(
        /\{%\s*embed\s+url="([^"]+)"\s*%\}(?:((?:(?!\{%\s*embed\s)[\s\S])*?)\{%\s*endembed\s*%\})?/g,
        (_m, url: string, caption?: string) => block("embed", `[${caption?.trim() || url}](${url})`),
      )
      .replace(/\{%\s*tab\s+title="([^"]*)"\s*%\}/g, (_m, title: string) => `\n**${title}**\n`)
      .replace(/\{%\s*code\s+title="([^"]*)"[^%]*%\}/g, (_m, title: string) => `\n*${title}*\n`)
      .replace(/\{%-?\s*[\w-]+(?:\s[^%]*)?-?%\}/g, "")
      // GitBook writes spaces it wants kept as &#x20;; at the end of a line they mean nothing (each run
      // of spaces and entities is matched whole, then dropped if it holds an entity and ends the line)
      .replace(/(?:[ \t]|&#x20;)+/g, (run, at: number, all: string) =>
        run.includes("&#x20;") && endsLine(all, at + run.length) ? "" : run,
      )
      .replace(/&#x20;/g, " ")
  );
}

/** Whether a line ends at this index (what `$` means with the m flag). */
const endsLine = (text: string, at: number) =>
  at === text.length || "\n\r\u2028\u2029".includes(text[at] as string);

/**
 * The text of the page's first level-1 heading ("# Title ##" gives "Title"), read line by line: a
 * regular expression for it tried every split of a run of spaces.
 */
function firstHeading(body: string): string | undefined {
  for (const line of body.split("\n")) {
    if (line[0] !== "#" || (line[1] !== " " && line[1] !== "\t")) continue;
    let start = 1;
    while (line[start] === " " || line[start] === "\t") start++;
    let end = line.length;
    const blank = () => line[end - 1] === " " || line[end - 1] === "\t";
    while (end > start && blank()) end--;
    while (end > start && line[end - 1] === "#") end--;
    while (end > start && blank()) end--;
    if (end > start) return line.slice(start, end);
  }
  return undefined;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Reads one page: front matter, GitBook blocks and the title (front matter, first # heading, label, file name). */
export function readPage(raw: string, rel: string, label?: string): Omit<SourcePage, "file" | "version"> {
  let body = raw.replace(/^\uFEFF/, "");
  let meta: Record<string, unknown> = {};
  const fm = FRONT_MATTER.exec(body);
  if (fm) {
    let parsed: unknown;
    try {
      parsed = parseYaml(fm[1] ?? "");
    } catch (e) {
      throw new Error(`front matter is not valid YAML (${(e as Error).message.split("\n")[0]})`);
    }
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
      meta = parsed as Record<string, unknown>;
    body = body.slice(fm[0].length);
  }
  body = gitbookToMarkdown(body).trim();
  const heading = firstHeading(body);
  const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
  const title =
    str(meta.title) ??
    (heading ? htmlText(heading) : undefined) ??
    (label?.trim() || undefined) ??
    path.posix.basename(rel, ".md").replace(/[-_]+/g, " ");
  const audienceList = ([] as unknown[]).concat(meta.audience ?? meta.audiences ?? []);
  const status = str(meta.status);
  return {
    rel,
    title: title.slice(0, 300),
    body,
    language: str(meta.language) ?? str(meta.lang) ?? "en",
    audiences: audienceList.filter((a): a is Audience => AUDIENCES.includes(a as Audience)),
    product: str(meta.product) ?? null,
    status: ARTICLE_STATUSES.includes(status as ArticleStatus) ? (status as ArticleStatus) : "published",
  };
}

/** Reads a file as UTF-8 text, or says clearly why it cannot be imported. */
function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      code === "EACCES" ? "cannot be read (permission denied)" : `cannot be read (${code ?? e})`,
    );
  }
  if (!isUtf8(bytes)) throw new Error("is not UTF-8 text");
  return bytes.toString("utf8");
}

/**
 * Reads a documentation folder: a GitBook tree (SUMMARY.md at its top), a folder of GitBook trees
 * one per version (v1.0/SUMMARY.md, ...), or a plain folder of .md files.
 */
export function readDocTree(
  folder: string,
  version?: string,
): { pages: SourcePage[]; failed: ImportProblem[]; skipped: Array<{ file: string; reason: string }> } {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder`);
  const trees: Array<{ dir: string; version: string | null; summary: boolean }> = [];
  if (existsSync(path.join(folder, "SUMMARY.md")))
    trees.push({ dir: "", version: version ?? null, summary: true });
  else {
    for (const e of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (e.isDirectory() && existsSync(path.join(folder, e.name, "SUMMARY.md")))
        trees.push({ dir: e.name, version: version ?? e.name.replace(/^v(?=\d)/, ""), summary: true });
    }
    if (trees.length === 0) trees.push({ dir: "", version: version ?? null, summary: false });
  }

  const pages: SourcePage[] = [];
  const failed: ImportProblem[] = [];
  const taken = new Set<string>();
  for (const tree of trees) {
    const root = path.join(folder, tree.dir);
    const prefix = tree.dir ? `${tree.dir}/` : "";
    let listed: Array<{ rel: string; label?: string }>;
    if (tree.summary) {
      try {
        listed = parseSummary(readText(path.join(root, "SUMMARY.md")));
      } catch (e) {
        failed.push({ file: `${prefix}SUMMARY.md`, error: `SUMMARY.md ${(e as Error).message}` });
        continue;
      }
    } else listed = markdownFiles(root).map((rel) => ({ rel }));
    for (const { rel, label } of listed) {
      const file = `${prefix}${rel}`;
      taken.add(file);
      try {
        const raw = readText(path.join(root, rel));
        if (!raw.trim()) {
          failed.push({ file, error: "is empty" });
          continue;
        }
        pages.push({ ...readPage(raw, rel, label), file, version: tree.version });
      } catch (e) {
        const missing = (e as Error).message.includes("ENOENT");
        failed.push({ file, error: missing ? "is listed in SUMMARY.md but missing" : (e as Error).message });
      }
    }
  }
  const skipped = trees.some((t) => t.summary)
    ? markdownFiles(folder)
        .filter((f) => !taken.has(f) && !f.endsWith("SUMMARY.md"))
        .map((file) => ({ file, reason: "not listed in a SUMMARY.md" }))
    : [];
  return { pages, failed, skipped };
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
// An image's text may not hold brackets, nor an img tag a "<": each opener is read up to the next one.
const IMAGE_MD = /(!\[[^[\]]*\]\()(<?)([^)\s>]+)(>?)/g;
const IMAGE_HTML = /(<img\b[^<>]*?\bsrc=")([^"]+)(")/gi;

/** The path inside the tree that a relative address points to (null if absolute or outside the tree). */
function resolveRelative(dest: string, rel: string): { path: string; hash: string | undefined } | null {
  if (!dest || SCHEME.test(dest) || dest.startsWith("/") || dest.startsWith("#")) return null;
  const [p = "", hash] = dest.split("#", 2);
  try {
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(rel), decodeURIComponent(p)));
    return resolved.startsWith("../") || resolved === ".." ? null : { path: resolved, hash };
  } catch {
    return null;
  }
}

/** The tree paths of the images a page shows by relative address. */
export function imagePaths(body: string, rel: string): string[] {
  const out = new Set<string>();
  for (const m of [...body.matchAll(IMAGE_MD)]
    .map((x) => x[3])
    .concat([...body.matchAll(IMAGE_HTML)].map((x) => x[2]))) {
    const r = resolveRelative(m ?? "", rel);
    if (r) out.add(r.path);
  }
  return [...out];
}

/**
 * Rewrites relative addresses: links between pages of the same tree to the imported articles, and
 * images to their stored copies; returns the text and how many relative addresses found nothing.
 */
export function rewriteLinks(
  body: string,
  rel: string,
  target: (rel: string) => number | undefined,
  image: (rel: string) => string | undefined = () => undefined,
): { body: string; unresolved: number } {
  let unresolved = 0;
  const rewriteImage = (dest: string): string => {
    const r = resolveRelative(dest, rel);
    if (!r && !(dest.startsWith("../") || dest.startsWith("./"))) return dest;
    const url = r ? image(r.path) : undefined;
    if (url) return url;
    unresolved++;
    return dest;
  };
  const rewrite = (dest: string): string => {
    const r = resolveRelative(dest, rel);
    if (!r) return dest;
    const candidates = r.path.endsWith(".md") ? [r.path] : [`${r.path}/README.md`, `${r.path}.md`];
    for (const c of candidates) {
      const id = target(c);
      if (id !== undefined) return `/kb/articles/${id}${r.hash ? `#${r.hash}` : ""}`;
    }
    unresolved++;
    return dest;
  };
  // images first: once rewritten they are absolute, and the link pass leaves them alone
  const out = body
    .replace(
      IMAGE_MD,
      (_m, open: string, lt: string, dest: string, gt: string) => `${open}${lt}${rewriteImage(dest)}${gt}`,
    )
    .replace(IMAGE_HTML, (_m, a: string, dest: string, b: string) => `${a}${rewriteImage(dest)}${b}`)
    .replace(
      /(\]\()(<?)([^)\s>]+)(>?)/g,
      (_m, open: string, lt: string, dest: string, gt: string) => `${open}${lt}${rewrite(dest)}${gt}`,
    )
    // a reference definition's label stays on its line, its address on the same or the next line
    .replace(
      /^([ \t]*\[[^\]\n]+\]:[ \t]*(?:\n[ \t]*)?)(\S+)/gm,
      (_m, lead: string, dest: string) => `${lead}${rewrite(dest)}`,
    )
    .replace(/(\bhref=")([^"]+)(")/g, (_m, a: string, dest: string, b: string) => `${a}${rewrite(dest)}${b}`);
  return { body: out, unresolved };
}

/** Images larger than this are not copied (the page keeps its address and it counts as unresolved). */
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

/** Stores the images the pages show, by tree path; a file that is missing, too big or no image is left out. */
async function storeImages(kb: KbService, folder: string, pages: SourcePage[]): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  for (const p of pages) {
    const root = path.join(folder, p.file.slice(0, p.file.length - p.rel.length));
    for (const rel of imagePaths(p.body, p.rel)) {
      const key = `${p.version ?? ""}:${rel}`;
      if (urls.has(key)) continue;
      try {
        const file = path.join(root, rel);
        if (statSync(file).size > MAX_IMAGE_BYTES) continue;
        const url = await kb.storeAsset(readFileSync(file));
        if (url) urls.set(key, url);
      } catch {
        // a missing image stays as written and is counted as unresolved
      }
    }
  }
  return urls;
}

const CONTENT_REF_LINK = /(<div class="content-ref">\s*\[)[^[\]]*(\]\()([^)\s]+)\)/g;
const hashOf = (v: unknown) => createHash("sha256").update(JSON.stringify(v)).digest("hex");

/**
 * Imports a documentation folder into a collection. Pages are matched to earlier imports by their
 * path, so a re-import changes only pages whose source changed (each with a new revision) and keeps
 * their ids; files that cannot be read are reported one by one and the rest still import.
 */
export async function importDocs(
  kb: KbService,
  actor: Actor,
  folder: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const { pages, failed, skipped } = readDocTree(folder, options.version);
  const name = options.collection ?? path.basename(path.resolve(folder));
  const collection = await kb.ensureCollection(slugify(name), name);
  const summary: ImportSummary = {
    collection: collection.slug,
    pages: pages.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed,
    skipped,
    unresolvedLinks: 0,
  };
  const keyOf = (p: { version: string | null; rel: string }) =>
    `${collection.id}:${p.version ?? ""}:${p.rel}`;

  // First every page gets an id, so that links between pages can be written in one pass.
  const ids = new Map<string, number>();
  const existing = new Map<string, Awaited<ReturnType<KbService["bySource"]>>>();
  for (const p of pages) {
    const key = keyOf(p);
    let row = await kb.bySource(key);
    existing.set(key, row);
    if (!row) {
      row = await kb.reserveImported(actor, key, collection.id, p.title);
      summary.created++;
    }
    ids.set(key, row.id);
  }

  const titles = new Map(pages.map((p) => [keyOf(p), p.title]));
  const images = await storeImages(kb, folder, pages);
  for (const [i, p] of pages.entries()) {
    const key = keyOf(p);
    const id = ids.get(key) as number;
    // a content reference shows the title of the page it points to, as GitBook does
    const labelled = p.body.replace(CONTENT_REF_LINK, (all, open: string, mid: string, dest: string) => {
      const rel = path.posix.normalize(path.posix.join(path.posix.dirname(p.rel), dest.split("#")[0] ?? ""));
      const title = titles.get(keyOf({ version: p.version, rel }));
      return title ? `${open}${title}${mid}${dest})` : all;
    });
    const { body, unresolved } = rewriteLinks(
      labelled,
      p.rel,
      (rel) => ids.get(keyOf({ version: p.version, rel })),
      (rel) => images.get(`${p.version ?? ""}:${rel}`),
    );
    summary.unresolvedLinks += unresolved;
    const content = {
      title: p.title,
      body_md: body,
      audiences: JSON.stringify(p.audiences),
      product: p.product,
      versions: JSON.stringify(p.version ? [p.version] : []),
      status: p.status,
      collection_id: collection.id,
    };
    const hash = hashOf({ ...content, language: p.language });
    const before = existing.get(key);
    if (before?.source_hash === hash) {
      summary.unchanged++;
      if (before.position !== i) await kb.reposition(id, i);
    } else {
      if (before) summary.updated++;
      await kb.writeImported(
        actor,
        id,
        { ...content, position: i, source_hash: hash, language: p.language },
        before ? `Re-imported from ${p.file}` : `Imported from ${p.file}`,
      );
    }
    options.onProgress?.(i + 1, pages.length);
  }
  return summary;
}
