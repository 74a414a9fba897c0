import { describe, expect, it } from "vitest";
import { htmlText, renderMarkdown } from "./kb.markdown.js";

describe("article rendering", () => {
  it("strips scripts, event handlers and javascript: links but keeps images and ordinary links", () => {
    const { html } = renderMarkdown(
      [
        "Intro <script>alert('x')</script> text",
        "",
        '<img src="https://example.org/a.png" onerror="alert(1)" alt="A">',
        "",
        '[click](javascript:alert(1)) <a href="javascript:alert(2)">raw</a> <a href="JaVaScRiPt:alert(3)">mixed</a>',
        "",
        '<b onclick="steal()">bold</b> <iframe src="https://evil.example"></iframe> [docs](https://example.org/docs)',
        "",
        "![diagram](https://example.org/d.png)",
      ].join("\n"),
    );
    expect(html).not.toMatch(/<script|alert\('x'\)|onerror|onclick|<iframe/i);
    // the Markdown link is left as plain text and the HTML ones lose their address
    expect(html).not.toMatch(/href="[^"]*javascript:/i);
    expect(html).toContain("<a>raw</a>");
    expect(html).toContain('<img src="https://example.org/a.png" alt="A" />');
    expect(html).toContain('<img src="https://example.org/d.png" alt="diagram" />');
    expect(html).toContain('<a href="https://example.org/docs" rel="noopener noreferrer">docs</a>');
    expect(html).toContain("<b>bold</b>");
  });

  it("refuses data: and protocol-relative image sources", () => {
    const { html } = renderMarkdown(
      '<img src="data:text/html;base64,PHNjcmlwdD4=" alt="x"><img src="//evil.example/x.png">',
    );
    expect(html).not.toMatch(/data:|evil\.example/);
  });

  it("keeps hint boxes, tables and language classes but not arbitrary classes or styles", () => {
    const { html } = renderMarkdown(
      '<div class="hint hint-warning">\n\nCareful\n\n</div>\n\n<div class="evil" style="position:fixed">x</div>\n\n<table><tr><td colspan="2">cell</td></tr></table>\n\n```js\ncode()\n```',
    );
    expect(html).toContain('<div class="hint hint-warning">');
    expect(html).toContain('<td colspan="2">cell</td>');
    expect(html).toContain('<code class="language-js">');
    expect(html).not.toMatch(/evil|style=/);
  });

  it("gives each heading an anchor and splits the text into sections by heading", () => {
    const r = renderMarkdown(
      "# Reset a password\n\nIntro.\n\n## From the team page\n\nOpen **Team**.\n\n## From the team page\n\nAgain.\n\n#### Small\n\nDetail.",
    );
    expect(r.title).toBe("Reset a password");
    expect(r.html).toContain('<h2 id="from-the-team-page">');
    expect(r.html).toContain('<h2 id="from-the-team-page-1">');
    expect(r.sections).toEqual([
      { anchor: "reset-a-password", heading: "Reset a password", level: 1, text: "Intro." },
      { anchor: "from-the-team-page", heading: "From the team page", level: 2, text: "Open Team." },
      {
        anchor: "from-the-team-page-1",
        heading: "From the team page",
        level: 2,
        text: "Again. Small Detail.",
      },
    ]);
  });

  it("reads the text of HTML tables and entities for search", () => {
    expect(htmlText("<table><tr><td>Field&#x20;agent</td><td>Yes&amp;No</td></tr></table>")).toBe(
      "Field agent Yes&No",
    );
  });
});
