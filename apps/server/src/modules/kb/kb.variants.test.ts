import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";
import { mergeMarkdown } from "./kb.variants.js";

let h: Harness;
let collectionId: number;
let genericId: number;
let variantId: number;

const GENERIC = [
  "Registrars print certificates from the record page.",
  "",
  "## Paper",
  "",
  "Use plain A4 paper from any supplier.",
  "",
  "## Printing",
  "",
  "Open the record, choose Print and confirm the hologram number.",
  "",
  "## Who to call",
  "",
  "Call the national helpdesk.",
].join("\n");

beforeAll(async () => {
  h = await createHarness();
  const admin = await h.as("hubadmin@demo.test");
  collectionId = (await admin.post("/api/v1/kb/collections", { slug: "printing", name: "Printing" })).json()
    .id;
  const agent = await h.as("agent@demo.test");
  genericId = (
    await agent.post("/api/v1/kb/articles", {
      collectionId,
      title: "Print a birth certificate",
      body: GENERIC,
      status: "published",
    })
  ).json().id;
  const variant = await agent.post("/api/v1/kb/articles", {
    collectionId,
    parentId: genericId,
    site: "ZMB",
    overrides: "sections",
    title: "Print a birth certificate",
    body: "## Paper\n\nZambia prints on watermarked security paper from the Lusaka store.\n\n## Who to call\n\nCall the Lusaka registry desk.",
    status: "published",
  });
  expect(variant.statusCode).toBe(201);
  variantId = variant.json().id;
});
afterAll(async () => h?.close());

describe("site variants that override named sections", () => {
  it("a site's reader sees the generic text with the variant's sections in place, and is told which", async () => {
    const res = await (await h.as("requester-zmb@demo.test")).get(`/api/v1/kb/articles/${genericId}`);
    expect(res.statusCode).toBe(200);
    const a = res.json();
    expect(a).toMatchObject({ id: variantId, site: "ZMB", overrides: "sections" });
    expect(a.html).toContain("watermarked security paper");
    expect(a.html).toContain("confirm the hologram number");
    expect(a.html).toContain("Lusaka registry desk");
    expect(a.html).not.toContain("plain A4 paper");
    expect(a.html).not.toContain("national helpdesk");
    expect(
      a.sections.map((s: { heading: string; fromVariant: boolean }) => [s.heading, s.fromVariant]),
    ).toEqual([
      ["", false],
      ["Paper", true],
      ["Printing", false],
      ["Who to call", true],
    ]);
    expect(a.shown).toMatchObject({
      kind: "site_variant",
      site: "ZMB",
      sectionsFromVariant: ["Paper", "Who to call"],
    });
    expect(a.shown.explanation).toContain("Paper");
  });

  it("another site's reader sees the generic text unchanged", async () => {
    const a = (await (await h.as("siteadmin-bgd@demo.test")).get(`/api/v1/kb/articles/${genericId}`)).json();
    expect(a.id).toBe(genericId);
    expect(a.html).toContain("plain A4 paper");
    expect(a.html).not.toContain("watermarked");
  });

  it("editors read the variant's own text with exact=true", async () => {
    const a = (
      await (await h.as("agent@demo.test")).get(`/api/v1/kb/articles/${variantId}?exact=true`)
    ).json();
    expect(a.body).not.toContain("hologram");
    expect(a.shown).toBeNull();
  });

  it("search finds the merged text for the site's readers: the variant's words and the generic's others", async () => {
    const zmb = await h.as("requester-zmb@demo.test");
    const own = (await zmb.get("/api/v1/kb/search?q=watermarked")).json();
    expect(own.hits[0]).toMatchObject({ articleId: variantId, section: { heading: "Paper" } });
    const inherited = (await zmb.get("/api/v1/kb/search?q=hologram")).json();
    expect(inherited.hits[0]).toMatchObject({ articleId: variantId, section: { heading: "Printing" } });
    const replaced = (await zmb.get("/api/v1/kb/search?q=supplier")).json();
    expect(replaced.hits.map((x: { articleId: number }) => x.articleId)).not.toContain(genericId);
    expect(replaced.hits.map((x: { articleId: number }) => x.articleId)).not.toContain(variantId);
    const bgd = (
      await (await h.as("siteadmin-bgd@demo.test")).get("/api/v1/kb/search?q=watermarked&site=BGD")
    ).json();
    expect(bgd.total).toBe(0);
  });

  it("an edit of the generic text reaches the site's merged text and its search", async () => {
    const agent = await h.as("agent@demo.test");
    const edited = GENERIC.replace("confirm the hologram number", "check the serial stamp");
    expect((await agent.patch(`/api/v1/kb/articles/${genericId}`, { body: edited })).statusCode).toBe(200);
    const zmb = await h.as("requester-zmb@demo.test");
    expect((await zmb.get(`/api/v1/kb/articles/${genericId}`)).json().html).toContain("serial stamp");
    const hits = (await zmb.get("/api/v1/kb/search?q=serial%20stamp")).json().hits;
    expect(hits[0]).toMatchObject({ articleId: variantId, section: { heading: "Printing" } });
    expect((await zmb.get("/api/v1/kb/search?q=hologram")).json().total).toBe(0);
  });

  it("section overrides belong to site variants only", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await agent.post("/api/v1/kb/articles", {
      collectionId,
      title: "Imprimer un acte",
      language: "fr",
      parentId: genericId,
      overrides: "sections",
      body: "## Papier\n\nTexte.",
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: "kb.overrides_need_site", errors: [{ field: "overrides" }] });
  });
});

describe("merging Markdown by heading", () => {
  it("keeps the base's order, puts new headings last, and ignores headings inside code", () => {
    const base = "Intro.\n\n## A\n\nbase a\n\n```\n## not a heading\n```\n\n## B\n\nbase b\n";
    const { body, fromVariant } = mergeMarkdown(base, "## b\n\nvariant b\n\n## C\n\nvariant c");
    expect(body).toBe(
      "Intro.\n\n## A\n\nbase a\n\n```\n## not a heading\n```\n\n## b\n\nvariant b\n\n## C\n\nvariant c",
    );
    expect([...fromVariant]).toEqual(["b", "c"]);
  });
});
