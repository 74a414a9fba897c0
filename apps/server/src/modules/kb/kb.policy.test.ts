import { describe, expect, it } from "vitest";
import type { Actor, SiteRole } from "../../shared/actor.js";
import {
  articlePolicy,
  canEditKb,
  canManageCollections,
  feedbackPolicy,
  kbReviewSites,
  resolveVariant,
} from "./kb.policy.js";

const ZMB = 1;
const BGD = 2;
type Text = { id: number; parent_id: number | null; site_id: number | null; language: string };
const generic: Text = { id: 1, parent_id: null, site_id: null, language: "en" };
const fr: Text = { id: 2, parent_id: 1, site_id: null, language: "fr" };
const zmbEn: Text = { id: 3, parent_id: 1, site_id: ZMB, language: "en" };
const zmbFr: Text = { id: 4, parent_id: 1, site_id: ZMB, language: "fr" };
const shown = (family: Text[], siteId: number | null, language: string) =>
  resolveVariant(family, { siteId, language })?.article.id;

describe("which text of an article a reader sees", () => {
  it("a reader at ZMB in French gets the ZMB variant in French first", () => {
    expect(shown([generic, fr, zmbEn, zmbFr], ZMB, "fr")).toBe(4);
  });
  it("without a ZMB French variant, the generic French translation", () => {
    expect(shown([generic, fr, zmbEn], ZMB, "fr")).toBe(2);
  });
  it("without any French text, the ZMB variant in English", () => {
    expect(shown([generic, zmbEn], ZMB, "fr")).toBe(3);
  });
  it("without any of those, the generic English article", () => {
    expect(shown([generic], ZMB, "fr")).toBe(1);
    expect(shown([generic, fr, zmbEn, zmbFr], BGD, "en")).toBe(1);
  });
  it("a reader at another site never gets ZMB's variant", () => {
    expect(shown([generic, zmbEn, zmbFr], BGD, "fr")).toBe(1);
    expect(shown([generic, zmbEn, zmbFr], null, "en")).toBe(1);
  });
  it("a regional language tag matches its language", () => {
    expect(shown([generic, { id: 5, parent_id: 1, site_id: null, language: "pt" }], null, "pt-BR")).toBe(5);
  });
  it("a generic article written in French is still shown to an English reader when nothing else exists", () => {
    expect(shown([{ id: 9, parent_id: null, site_id: null, language: "fr" }], null, "en")).toBe(9);
  });
});

const actor = (roles: Array<[number, SiteRole]>, hubAdmin = false): Actor => {
  const map = new Map<number, Set<SiteRole>>();
  for (const [site, role] of roles) map.set(site, new Set([...(map.get(site) ?? []), role]));
  return {
    userId: 1,
    email: "x@x",
    name: "X",
    hubAdmin,
    roles: map,
    vendorTeamIds: [],
    scopes: new Set(),
    via: "session",
  };
};

describe("who may write the knowledge base", () => {
  const cases: Array<[string, Actor, boolean, boolean]> = [
    ["a hub admin", actor([], true), true, true],
    ["an agent", actor([[ZMB, "agent"]]), true, false],
    ["a coordinator", actor([[BGD, "coordinator"]]), true, false],
    ["a site admin", actor([[ZMB, "site_admin"]]), false, false],
    ["a manager", actor([[ZMB, "manager"]]), false, false],
    ["a requester", actor([[ZMB, "requester"]]), false, false],
  ];
  for (const [who, a, edits, manages] of cases) {
    it(`${who} ${edits ? "edits" : "does not edit"} articles and ${manages ? "manages" : "does not manage"} collections`, () => {
      expect(canEditKb(a)).toBe(edits);
      expect(canManageCollections(a)).toBe(manages);
      expect(articlePolicy.read(a, { status: "draft" })).toBe(edits);
      expect(articlePolicy.read(a, { status: "published" })).toBe(true);
    });
  }
});

describe("who reads a site's knowledge-base feedback and reviews its learned words", () => {
  const cases: Array<[string, Actor, boolean, boolean, boolean]> = [
    // who, reads ZMB's feedback, reads feedback of no one site, reviews ZMB's words
    ["an agent of ZMB", actor([[ZMB, "agent"]]), true, true, true],
    ["a coordinator of ZMB", actor([[ZMB, "coordinator"]]), true, true, true],
    ["an agent of BGD", actor([[BGD, "agent"]]), false, true, false],
    [
      "an agent of BGD who manages ZMB",
      actor([
        [BGD, "agent"],
        [ZMB, "manager"],
      ]),
      true,
      true,
      false,
    ],
    ["a hub admin without membership", actor([], true), false, true, false],
    ["a hub admin who is an agent of ZMB", actor([[ZMB, "agent"]], true), true, true, true],
    ["a site admin of ZMB", actor([[ZMB, "site_admin"]]), false, false, false],
    ["a manager of ZMB", actor([[ZMB, "manager"]]), false, false, false],
    ["a requester of ZMB", actor([[ZMB, "requester"]]), false, false, false],
  ];
  for (const [who, a, readsZmb, readsNone, reviews] of cases) {
    it(`${who} ${readsZmb ? "reads" : "does not read"} ZMB's feedback and ${reviews ? "reviews" : "does not review"} its words`, () => {
      expect(feedbackPolicy.read(a, { siteId: ZMB })).toBe(readsZmb);
      expect(feedbackPolicy.read(a, { siteId: null })).toBe(readsNone);
      expect(kbReviewSites(a).includes(ZMB)).toBe(reviews);
    });
  }
});
