import { describe, expect, it } from "vitest";
import { htmlToText } from "../src/modules/channels/email/email.parse.js";
import { trimReply } from "../src/modules/channels/email/email.trim.js";
import { renderMarkdown as dossierMarkdown } from "../src/modules/escalation/escalation.dossier.js";
import type { DossierView } from "../src/modules/escalation/escalation.schemas.js";
import { redact } from "../src/modules/kb/kb.fromticket.js";
import { gitbookToMarkdown, imagePaths, readPage, rewriteLinks } from "../src/modules/kb/kb.import.js";
import { htmlText } from "../src/modules/kb/kb.markdown.js";
import { mergeMarkdown } from "../src/modules/kb/kb.variants.js";

/**
 * Every transformation of text that someone outside can send stays linear: the worst inputs known
 * for backtracking regular expressions (openers that never close, long runs of spaces, of newlines,
 * of quote marks) are run at a size where a quadratic pass takes seconds and a linear one
 * milliseconds. The bound is a generous safety net for a busy machine, not a benchmark.
 */
const BOUND_MS = 2_000;

function fast<T>(run: () => T): T {
  const started = performance.now();
  const out = run();
  expect(performance.now() - started).toBeLessThan(BOUND_MS);
  return out;
}

const spaces = (n: number) => `a${" ".repeat(n)}b`;

describe("article HTML turned into search text", () => {
  it("200,000 characters of unclosed comment openers are read in one pass", () => {
    expect(fast(() => htmlText("<!--".repeat(50_000)))).toBe("<!--".repeat(50_000));
  });

  it("unclosed script and style elements drop the rest of the text, quickly", () => {
    expect(fast(() => htmlText(`keep<script>${"<script>".repeat(50_000)}`))).toBe("keep");
    expect(fast(() => htmlText(`keep <style ${"<style ".repeat(60_000)}`))).toBe("keep");
  });

  it("tags, closed scripts and entities are still read as before", () => {
    expect(htmlText("<p>Tom &amp; Jerry</p><script>alert(1)</script><td>a</td><td>b</td>")).toBe(
      "Tom & Jerry a b",
    );
  });
});

describe("mail HTML turned into plain text", () => {
  it("a long run of spaces or tabs in a line is read in one pass", () => {
    expect(fast(() => htmlToText(`<p>${spaces(100_000)}</p>`))).toMatch(/^a +b$/);
    expect(fast(() => htmlToText(`<p>a${"\t".repeat(100_000)}b</p>`))).toMatch(/^a\t+b$/);
  });

  it("links, rules and scripts that never close are read in one pass", () => {
    expect(fast(() => htmlToText(`x${'<a href="https://x.example/">'.repeat(40_000)}`))).toBe("x");
    expect(fast(() => htmlToText(`x${"<hr ".repeat(120_000)}`))).toMatch(/^x/);
    expect(fast(() => htmlToText(`x<style>${"<style>".repeat(60_000)}`))).toBe("x");
  });

  it("links keep their address and lines keep their breaks", () => {
    expect(
      htmlToText('<p>See <a href="https://help.example/print">the guide</a> </p><p>Thanks<br>Ana</p>'),
    ).toBe("See the guide (https://help.example/print)\nThanks\nAna");
  });
});

describe("replies trimmed of the quoted earlier mail", () => {
  it("a reply made of 25,000 quoted lines and one last line is trimmed in one pass", () => {
    const text = `New text\n${">\n".repeat(25_000)}signed`;
    expect(fast(() => trimReply(text)).body).toContain("New text");
  });

  it("an Outlook-like header block with a long run of spaces is read in one pass", () => {
    const text = `New text\n${`From: Ana\nSent${" ".repeat(40_000)}x\n`.repeat(5)}`;
    expect(fast(() => trimReply(text)).body).toContain("New text");
  });

  it("quoted mail at the end is still cut off", () => {
    expect(trimReply("Thanks, it works.\n\nOn Mon, 2 Mar 2026, Ana wrote:\n> Try again\n> please").body).toBe(
      "Thanks, it works.",
    );
    expect(trimReply("Fixed.\n\nFrom: Ana\nEnviado el: lunes\nSubject: x\n\nold").body).toBe("Fixed.");
  });
});

describe("imported documentation pages", () => {
  it("a heading line with a long run of spaces is read in one pass", () => {
    expect(fast(() => readPage(`# Title${" ".repeat(2_500)}end\n\ntext`, "a/b.md").title)).toBe("Title end");
    expect(readPage("# Printing certificates ##\n\ntext", "a/b.md").title).toBe("Printing certificates");
  });

  it("GitBook blocks that never close and long runs of spaces are read in one pass", () => {
    fast(() => gitbookToMarkdown(`a${'{% hint style="info" %}'.repeat(20_000)}`));
    fast(() => gitbookToMarkdown(`a${'{% embed url="https://x" %}'.repeat(16_000)}`));
    fast(() => gitbookToMarkdown(`a${'{% code title="x" '.repeat(12_000)}`));
    fast(() => gitbookToMarkdown(`a${"{% tag ".repeat(30_000)}`));
    expect(fast(() => gitbookToMarkdown(`${spaces(100_000)}&#x20;c`))).toBe(`${spaces(100_000)} c`);
    expect(fast(() => gitbookToMarkdown(`line${" ".repeat(100_000)}&#x20;\nnext`))).toBe("line\nnext");
  });

  it("GitBook hints, embeds and trailing &#x20; are still converted", () => {
    expect(gitbookToMarkdown('{% hint style="warning" %}\nCareful\n{% endhint %}')).toBe(
      '\n<div class="hint hint-warning">\n\nCareful\n\n</div>\n',
    );
    expect(gitbookToMarkdown('{% embed url="https://v.example/1" %}')).toContain("[https://v.example/1]");
    expect(gitbookToMarkdown("a&#x20;b &#x20; \nc")).toBe("a b\nc");
  });

  it("image and link openers that never close are read in one pass", () => {
    expect(fast(() => imagePaths(`${"![".repeat(20_000)}](img/a.png)`, "docs/p.md"))).toEqual([
      "docs/img/a.png",
    ]);
    expect(fast(() => imagePaths("<img ".repeat(40_000), "docs/p.md"))).toEqual([]);
    const lines = `${"\n".repeat(50_000)}x`;
    expect(fast(() => rewriteLinks(lines, "docs/p.md", () => undefined)).body).toBe(lines);
    const blank = `${" \n".repeat(50_000)}[a]: other.md`;
    expect(fast(() => rewriteLinks(blank, "docs/p.md", () => 7)).body).toBe(
      `${" \n".repeat(50_000)}[a]: /kb/articles/7`,
    );
  });
});

describe("texts built from requesters' words", () => {
  it("personal data is taken out of a 40,000-character word in one pass", () => {
    const who = { name: "Ireen Banda", email: "ireen@example.org", phone: null, whatsappId: null };
    expect(fast(() => redact("a".repeat(40_000), who))).toHaveLength(40_000);
    expect(fast(() => redact(`${"a.".repeat(20_000)}@x`, who))).toHaveLength(40_002);
    expect(redact("Write to ireen@example.org or bob.k@mail.example.com, Ireen", who)).toBe(
      "Write to [email removed] or [email removed], [name removed]",
    );
  });

  it("a dossier field with a long run of spaces is flattened in one pass", () => {
    const view = {
      ticket: {
        key: "ZMB-1",
        url: "http://x/t",
        subject: "s",
        category: "bug",
        priority: "high",
        status: "open",
        tier: 2,
      },
      version: 1,
      createdAt: "2026-03-02T08:00:00.000Z",
      createdBy: null,
      complete: false,
      missing: [],
      title: "t",
      labels: [],
      site: { code: "ZMB", name: "Zambia", country: "Zambia" },
      product: { name: "p", version: "1", module: "m" },
      summary: "s",
      description: "d",
      stepsToReproduce: [spaces(60_000), "one \n  two"],
      applicationUrl: null,
      impactedUsers: "u",
      impactedRoles: [],
      browserAndDevice: "b",
      evidence: { attachments: [], noEvidenceReason: null },
      severity: null,
      workaroundExists: null,
      workaround: null,
    } satisfies DossierView;
    expect(fast(() => dossierMarkdown(view))).toContain("2. one two");
  });

  it("a site's variant of an article is merged in one pass however many blank lines it holds", () => {
    const base = `# Intro\n\ntext\n\n# Other\n${"\n".repeat(50_000)}x`;
    const merged = fast(() => mergeMarkdown(base, "# Intro\n\nours\n"));
    expect(merged.body.startsWith("# Intro\n\nours\n\n# Other\n")).toBe(true);
    expect(merged.body.endsWith("\nx")).toBe(true);
  });
});
