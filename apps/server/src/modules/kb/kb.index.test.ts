import { describe, expect, it } from "vitest";
import { createInvertedIndex, type QueryTerm, type SectionDoc } from "./kb.index.js";

const doc = (articleId: number, text: string): SectionDoc => ({
  id: `${articleId}:0`,
  articleId,
  anchor: "",
  heading: "",
  title: `Article ${articleId}`,
  text,
  language: "en",
});
const term = (t: string): QueryTerm => ({ term: t, weight: 1, fuzzy: 0, prefix: false });
const everyone = { has: () => true };

describe("the inverted index", () => {
  it("finds only the newest text of articles edited many times, after it renumbered its sections", () => {
    const index = createInvertedIndex();
    for (let round = 0; round < 4; round++)
      for (let id = 1; id <= 600; id++)
        index.replaceArticle(id, [doc(id, `round${round} printer ${id % 2 ? "odd" : "even"}`)]);
    expect(index.size).toBe(600);
    expect(index.search([term("round2")], everyone, 10)).toEqual([]);
    const hits = index.search([term("round3"), term("odd")], everyone, 1000);
    expect(hits).toHaveLength(600);
    expect(hits.slice(0, 300).every((h) => h.doc.articleId % 2 === 1)).toBe(true);
    expect(hits[0]?.terms.sort()).toEqual(["odd", "round3"]);
  });

  it("answers for the allowed articles only, and forgets what it knew of them after a change", () => {
    const index = createInvertedIndex();
    index.replaceArticle(1, [doc(1, "backup the server")]);
    index.replaceArticle(2, [doc(2, "backup the tablet")]);
    const onlyTwo = new Set([2]);
    expect(index.search([term("backup")], onlyTwo, 10).map((h) => h.doc.articleId)).toEqual([2]);
    index.replaceArticle(3, [doc(3, "backup everything")]);
    onlyTwo.add(3);
    expect(
      index
        .search([term("backup")], onlyTwo, 10)
        .map((h) => h.doc.articleId)
        .sort(),
    ).toEqual([2, 3]);
    index.replaceArticle(2, []);
    expect(index.search([term("backup")], onlyTwo, 10).map((h) => h.doc.articleId)).toEqual([3]);
  });

  it("keeps finding a word in other articles after an article that used it in its title, heading and text leaves", () => {
    const index = createInvertedIndex();
    index.replaceArticle(1, [
      { ...doc(1, "restore the backup, then backup again"), title: "Backup", heading: "Backup" },
    ]);
    index.replaceArticle(2, [doc(2, "a backup of the tablet")]);
    index.replaceArticle(1, []);
    const typo = { term: "bakup", weight: 1, fuzzy: 1, prefix: false };
    expect(index.search([term("backup")], everyone, 10).map((h) => h.doc.articleId)).toEqual([2]);
    expect(index.search([typo], everyone, 10).map((h) => h.doc.articleId)).toEqual([2]);
    expect(index.search([term("restore")], everyone, 10)).toEqual([]);
  });

  it("finds a section by a word it names 256 times, more than a field's count holds", () => {
    const index = createInvertedIndex();
    index.replaceArticle(1, [doc(1, Array.from({ length: 256 }, () => "export").join(" "))]);
    const hits = index.search([term("export")], everyone, 10);
    expect(hits.map((h) => h.doc.articleId)).toEqual([1]);
    expect(hits[0]?.score).toBeGreaterThan(0);
  });
});
