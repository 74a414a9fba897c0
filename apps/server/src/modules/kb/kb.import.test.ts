import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";
import { systemActor } from "../../shared/actor.js";
import { gitbookToMarkdown, importDocs, parseSummary } from "./kb.import.js";

// The corpora live in the shared folder beside the repository and are read from there, never copied
// into it (the Primero documentation is AGPL material).
const CORPORA =
  process.env.TIERDESK_CORPORA ??
  fileURLToPath(new URL("../../../../../../shared/corpora/", import.meta.url));
const GITBOOK = path.join(CORPORA, "gitbook-sample");
const PRIMERO = path.join(CORPORA, "primero-docs");

// the smallest valid PNG: one transparent pixel
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

let h: Harness;
let scratch: string;
beforeAll(async () => {
  h = await createHarness({ demo: false });
  scratch = mkdtempSync(path.join(tmpdir(), "tierdesk-kb-import-"));
});
afterAll(async () => {
  await h?.close();
  rmSync(scratch, { recursive: true, force: true });
});

type Summary = { id: number; title: string; position: number; versions: string[]; status: string };
const articlesOf = async (collection: string): Promise<Summary[]> =>
  h.ctx.kb.listArticles(systemActor, { collection, limit: 500, offset: 0 });
const full = (id: number) => h.ctx.kb.getArticle(systemActor, id, { exact: "true" });

describe("GitBook syntax", () => {
  it("turns hints, content references and embeds into boxes and links, and drops other template tags", () => {
    const out = gitbookToMarkdown(
      '{% hint style="warning" %}\nCareful\n{% endhint %}\n{% embed url="https://v.example/x" %}\nWalkthrough\n{% endembed %}\n{% embed url="https://v.example/y" %}\n{% tabs %}\n{% tab title="Android" %}\nTap.\n{% endtab %}\n{% endtabs %}',
    );
    expect(out).toContain('<div class="hint hint-warning">\n\nCareful\n\n</div>');
    expect(out).toContain('<div class="embed">\n\n[Walkthrough](https://v.example/x)\n\n</div>');
    expect(out).toContain("[https://v.example/y](https://v.example/y)");
    expect(out).toContain("**Android**");
    expect(out).not.toContain("{%");
  });

  it("reads SUMMARY.md in order, once per page, ignoring external links", () => {
    expect(
      parseSummary(
        "# TOC\n\n* [A](a.md)\n  * [B](sub/b%20c.md#x)\n* [Site](https://x.example)\n* [A again](a.md)\n",
      ),
    ).toEqual([
      { rel: "a.md", label: "A" },
      { rel: "sub/b c.md", label: "B" },
    ]);
  });
});

describe("importing the GitBook sample", () => {
  let first: Awaited<ReturnType<typeof importDocs>>;
  beforeAll(async () => {
    first = await importDocs(h.ctx.kb, systemActor, GITBOOK, { collection: "Registry guide" });
  });

  it("imports every page of SUMMARY.md in its order, for the version its folder names", async () => {
    expect(first).toMatchObject({
      collection: "registry-guide",
      pages: 6,
      created: 6,
      updated: 0,
      unchanged: 0,
      failed: [],
    });
    expect(first.skipped).toEqual([{ file: "README.md", reason: "not listed in a SUMMARY.md" }]);
    const articles = await articlesOf("registry-guide");
    expect(articles.map((a) => a.title)).toEqual([
      "Welcome",
      "Register a birth",
      "Print a certificate",
      "Correct a record",
      "Reset a user password",
      "Back up and restore",
    ]);
    expect(articles.every((a) => a.status === "published" && a.versions.join() === "1.0")).toBe(true);
  });

  it("renders hints, tables and embeds cleanly, without front matter or &#x20; entities", async () => {
    const [welcome, birth, print] = await articlesOf("registry-guide");
    const birthHtml = (await full(birth?.id as number)).html;
    expect(birthHtml).toContain(
      '<div class="hint hint-info">\n<p>If the birth happened more than one year ago',
    );
    expect(birthHtml).toContain("<table><thead><tr><th>Role</th>");
    const printed = await full(print?.id as number);
    expect(printed.html).toContain('<div class="hint hint-warning">');
    expect(printed.html).toContain(
      '<a href="https://example.org/video/printing" rel="noopener noreferrer">Printing walkthrough</a>',
    );
    expect(printed.body).not.toMatch(/description:|layout:|\{%/);
    const welcomeArticle = await full(welcome?.id as number);
    expect(welcomeArticle.body).not.toContain("&#x20;");
    expect(welcomeArticle.html).not.toContain("{%");
  });

  it("rewrites relative links between pages to the imported articles, labelled with their titles", async () => {
    const [welcome, birth] = await articlesOf("registry-guide");
    const html = (await full(welcome?.id as number)).html;
    expect(html).toContain(
      `<div class="content-ref">\n<p><a href="/kb/articles/${birth?.id}">Register a birth</a></p>\n</div>`,
    );
  });

  it("importing it again creates nothing, changes nothing and keeps the ids", async () => {
    const before = await articlesOf("registry-guide");
    const again = await importDocs(h.ctx.kb, systemActor, GITBOOK, { collection: "Registry guide" });
    expect(again).toMatchObject({ pages: 6, created: 0, updated: 0, unchanged: 6, failed: [] });
    const after = await articlesOf("registry-guide");
    expect(after).toEqual(before);
    const revisions = await h.ctx.kb.revisions(systemActor, after[0]?.id as number);
    expect(revisions).toHaveLength(1);
  });

  it("a page changed at the source gets a new revision on re-import; the others stay untouched", async () => {
    const copy = path.join(scratch, "guide");
    cpSync(GITBOOK, copy, { recursive: true });
    const run = () => importDocs(h.ctx.kb, systemActor, copy, { collection: "Copied guide" });
    await run();
    const before = await articlesOf("copied-guide");
    const page = path.join(copy, "v1.0/setup/backup-and-restore.md");
    writeFileSync(page, readFileSync(page, "utf8").replace("01:00", "02:00"));
    const summary = await run();
    expect(summary).toMatchObject({ created: 0, updated: 1, unchanged: 5 });
    const after = await articlesOf("copied-guide");
    expect(after.map((a) => a.id)).toEqual(before.map((a) => a.id));
    const backup = after.find((a) => a.title === "Back up and restore") as Summary;
    expect((await full(backup.id)).body).toContain("02:00");
    const revisions = await h.ctx.kb.revisions(systemActor, backup.id);
    expect(revisions.map((r) => r.note)).toEqual([
      "Re-imported from v1.0/setup/backup-and-restore.md",
      "Imported from v1.0/setup/backup-and-restore.md",
    ]);
    const untouched = after.filter((a) => a.id !== backup.id);
    expect(untouched).toEqual(before.filter((a) => a.id !== backup.id));
  });
});

describe("importing a plain folder of Markdown files", () => {
  it("takes titles from # headings, links pages together, and reports each unreadable file while the rest import", async () => {
    const dir = path.join(scratch, "plain");
    mkdirSync(path.join(dir, "guides"), { recursive: true });
    writeFileSync(
      path.join(dir, "README.md"),
      '# Start here\n\nSee [deaths](guides/deaths.md#late) and ![map](img/map.png) and <img src="../../etc/passwd">.',
    );
    mkdirSync(path.join(dir, "img"));
    writeFileSync(path.join(dir, "img/map.png"), PNG);
    writeFileSync(
      path.join(dir, "guides/deaths.md"),
      "Intro\n\n# Register a death\n\n## Late\n\nAfter a year.",
    );
    writeFileSync(path.join(dir, "guides/latin1.md"), Buffer.from([0x23, 0x20, 0xe9, 0x74, 0xe9, 0x0a]));
    writeFileSync(path.join(dir, "guides/bad-front.md"), "---\ntitle: [unclosed\n---\n# X\n");
    writeFileSync(path.join(dir, "guides/empty.md"), "  \n");
    writeFileSync(path.join(dir, "notes.txt"), "not markdown");

    const summary = await importDocs(h.ctx.kb, systemActor, dir, { version: "2.1" });
    expect(summary).toMatchObject({ collection: "plain", pages: 2, created: 2, unresolvedLinks: 1 });
    expect(summary.failed).toEqual([
      { file: "guides/bad-front.md", error: expect.stringMatching(/^front matter is not valid YAML/) },
      { file: "guides/empty.md", error: "is empty" },
      { file: "guides/latin1.md", error: "is not UTF-8 text" },
    ]);
    const [start, death] = await articlesOf("plain");
    expect(start?.title).toBe("Start here");
    expect(death?.title).toBe("Register a death");
    expect(death?.versions).toEqual(["2.1"]);
    const body = (await full(start?.id as number)).body;
    expect(body).toContain(`[deaths](/kb/articles/${death?.id}#late)`);
    // the image is stored and served from the hub; the address leaving the tree is left alone
    const image = /!\[map\]\((\/api\/v1\/kb\/assets\/[a-f0-9]{64}\.png)\)/.exec(body)?.[1] as string;
    expect(image).toBeDefined();
    expect(body).toContain('<img src="../../etc/passwd">');
    const served = await h.ctx.kb.readAsset(systemActor, image.split("/").pop() as string);
    expect(served).toEqual({ bytes: PNG, type: "image/png" });
    const again = await importDocs(h.ctx.kb, systemActor, dir, { version: "2.1" });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
  });
});

describe("importing the Primero documentation", () => {
  it("imports the whole tree once, reports the empty page, and a second run changes nothing", async () => {
    const summary = await importDocs(h.ctx.kb, systemActor, PRIMERO, { collection: "Primero" });
    expect(summary.pages).toBeGreaterThan(150);
    expect(summary.created).toBe(summary.pages);
    expect(summary.failed).toContainEqual({ file: "doc/webhooks.md", error: "is empty" });
    const again = await importDocs(h.ctx.kb, systemActor, PRIMERO, { collection: "Primero" });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: summary.pages });
    expect(await articlesOf("primero")).toHaveLength(summary.pages);
  });
});
