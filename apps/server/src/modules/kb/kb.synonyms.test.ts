import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";
import { createSectionIndex, type SectionDoc } from "./kb.search.js";
import { DEFAULT_SYNONYMS, defaultSynonymRules, expandQuery, parseSynonyms } from "./kb.synonyms.js";

const expand = (q: string) => expandQuery(q, defaultSynonymRules);

describe("support vocabulary", () => {
  it("reads 'block her account' as disabling a user", () => {
    expect(expand("how do I block her account")).toContain("disable user");
  });

  it("reads the 6 digit code as two-factor authentication", () => {
    expect(expand("the 6 digit code is not accepted")).toContain("two-factor authentication");
  });

  it("reads a lost tracking number as searching for a record", () => {
    expect(expand("the clerk lost the tracking number")).toEqual(expect.arrayContaining(["search"]));
  });

  it("reads a forgotten password, in English or French, as a password reset", () => {
    expect(expand("I forgot my password")).toContain("reset password");
    expect(expand("mot de passe oublié")).toContain("reset password");
  });

  it("forgives a typo in a longer word of the question", () => {
    expect(expand("deactivte user")).toContain("disable user");
  });

  it("does not read 'log in' into a question that only mentions an audit log", () => {
    expect(expand("audit log")).not.toContain("token");
  });

  it("brings in nothing for a question the rules do not cover, nor what the question already says", () => {
    expect(expand("weather forecast tomorrow")).toEqual([]);
    expect(expand("disable user")).not.toContain("disable user");
  });

  it("applies a one-way rule only from its left side", () => {
    const rules = parseSynonyms("# comment\n\nlost tracking number => search record\nfix, correct");
    expect(expandQuery("lost tracking number", rules)).toEqual(["search record"]);
    expect(expandQuery("search record", rules)).toEqual([]);
    expect(expandQuery("fix it", rules)).toEqual(["correct"]);
    expect(expandQuery("correct it", rules)).toEqual(["fix"]);
  });

  it("ships rules in English, French, Spanish and Portuguese", () => {
    for (const word of ["désactiver", "desactivar", "desativar", "mot de passe", "contraseña", "senha"])
      expect(DEFAULT_SYNONYMS).toContain(word);
  });
});

const doc = (articleId: number, title: string, text: string): SectionDoc => ({
  id: `${articleId}:0`,
  articleId,
  anchor: "",
  heading: title,
  title,
  text,
  language: "en",
});

describe("ranking sections", () => {
  it("finds the page in the documentation's words for a question in the user's", () => {
    const index = createSectionIndex();
    index.replaceArticle(1, [
      doc(1, "Disable an existing user", "Disables the user so they cannot sign in."),
    ]);
    index.replaceArticle(2, [
      doc(2, "Create a new case", "Opens a case for a child; her account of events."),
    ]);
    index.replaceArticle(3, [doc(3, "Print a certificate", "Choose Print certificate after registration.")]);
    const hits = index.search("how do I block her account", ["en"], new Set([1, 2, 3]), 5);
    expect(hits[0]?.doc.articleId).toBe(1);
  });

  it("keeps a long list that repeats a word below the short section about it", () => {
    const index = createSectionIndex();
    const keys = Array.from({ length: 150 }, (_, i) => `setting_${i} password policy value ${i}.`).join(" ");
    index.replaceArticle(1, [doc(1, "Change log", keys)]);
    index.replaceArticle(2, [
      doc(2, "Sign-in rules", "The password policy says how long a password must be."),
    ]);
    index.replaceArticle(3, [doc(3, "Backups", "Backups run every night.")]);
    const hits = index.search("password policy", ["en"], new Set([1, 2, 3]), 5);
    expect(hits.map((h) => h.doc.articleId)).toEqual([2, 1]);
  });
});

describe("hub admins edit the synonyms", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    const admin = await h.as("hubadmin@demo.test");
    const collectionId = (await admin.post("/api/v1/kb/collections", { slug: "faq", name: "FAQ" })).json().id;
    const res = await admin.post("/api/v1/kb/articles", {
      collectionId,
      status: "published",
      title: "Deactivate a user",
      body: "A system administrator deactivates an account from the team page.",
    });
    expect(res.statusCode).toBe(201);
  });
  afterAll(async () => h?.close());

  const titles = async (q: string) =>
    (
      (await (await h.as("agent@demo.test")).get(`/api/v1/kb/search?q=${encodeURIComponent(q)}`)).json() as {
        hits: Array<{ title: string }>;
      }
    ).hits.map((x) => x.title);

  it("shows editors the shipped rules until a hub admin saves others", async () => {
    const res = await (await h.as("agent@demo.test")).get("/api/v1/kb/synonyms");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ shipped: true, updatedAt: null });
    expect(res.json().rules).toContain("block account");
    expect((await (await h.as("siteadmin-zmb@demo.test")).get("/api/v1/kb/synonyms")).statusCode).toBe(403);
  });

  it("applies a hub admin's new rule to the next search; agents cannot change the rules", async () => {
    expect(await titles("mothball the clerk")).not.toContain("Deactivate a user");
    expect(await titles("suspend")).toContain("Deactivate a user");
    const agent = await h.as("agent@demo.test");
    expect(
      (await agent.request("PUT", "/api/v1/kb/synonyms", { rules: "mothball => deactivate" })).statusCode,
    ).toBe(403);
    const admin = await h.as("hubadmin@demo.test");
    const saved = await admin.request("PUT", "/api/v1/kb/synonyms", {
      rules: "mothball, retire => deactivate",
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ shipped: false, ruleCount: 1 });
    expect(await titles("mothball the clerk")).toContain("Deactivate a user");
    // the shipped rules are replaced, not added to
    expect(await titles("suspend")).not.toContain("Deactivate a user");
  });

  it("refuses a line that is not a rule", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const res = await admin.request("PUT", "/api/v1/kb/synonyms", { rules: "a => b => c" });
    expect(res.statusCode).toBe(422);
  });
});
