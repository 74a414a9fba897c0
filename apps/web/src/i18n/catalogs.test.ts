import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AREAS, LANGS } from "./i18n";

const dir = import.meta.dirname;
const read = (area: string, lang: string): Record<string, string> =>
  JSON.parse(readFileSync(path.join(dir, area, `${lang}.json`), "utf8"));
const base = (key: string) => key.split("#")[0] as string;

// Values that are rightly the same as in English: brand names, and words the language shares with English.
const SAME_AS_ENGLISH = new Set([
  "common.site@fr",
  "portal.chat.bot@fr",
  "portal.chat.bot@es",
  "portal.chat.bot@pt",
  "admin.nav.sites@fr",
  "admin.roles.agent@fr",
  "admin.users.site@fr",
  "admin.kb.collection@fr",
  "admin.kb.count@fr",
]);

describe("the interface catalogs", () => {
  it("exist for every area and language, and nothing else", () => {
    for (const area of AREAS) {
      expect(readdirSync(path.join(dir, area)).sort()).toEqual(LANGS.map((l) => `${l}.json`).sort());
    }
  });

  it("give every English key in every language", () => {
    const missing: string[] = [];
    for (const area of AREAS) {
      const en = read(area, "en");
      for (const lang of LANGS) {
        const other = read(area, lang);
        const bases = new Set(Object.keys(other).map(base));
        for (const key of Object.keys(en)) {
          // a plural form ("x#one") is present when the language has any form of "x"
          if (!(key in other) && !(key.includes("#") && bases.has(base(key))))
            missing.push(`${area}/${lang}: ${key}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("have no keys that English lacks (stale or misspelt)", () => {
    const extra: string[] = [];
    for (const area of AREAS) {
      const bases = new Set(Object.keys(read(area, "en")).map(base));
      for (const lang of LANGS) {
        for (const key of Object.keys(read(area, lang)))
          if (!bases.has(base(key))) extra.push(`${area}/${lang}: ${key}`);
      }
    }
    expect(extra).toEqual([]);
  });

  it("leave no English text in French, Spanish, Portuguese or Arabic", () => {
    const untranslated: string[] = [];
    for (const area of AREAS) {
      const en = read(area, "en");
      for (const lang of LANGS.filter((l) => l !== "en")) {
        for (const [key, value] of Object.entries(read(area, lang))) {
          const id = `${area}.${base(key)}@${lang}`;
          if (en[key] === value && !SAME_AS_ENGLISH.has(id)) untranslated.push(`${id}: ${value}`);
        }
      }
    }
    expect(untranslated).toEqual([]);
  });

  it("keep the same {placeholders} as English", () => {
    const wrong: string[] = [];
    const vars = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
    for (const area of AREAS) {
      const en = read(area, "en");
      for (const lang of LANGS) {
        for (const [key, value] of Object.entries(read(area, lang))) {
          if (key.includes("#")) {
            // a plural form may leave the number out ("one result"), but must not invent placeholders
            const english = vars(en[`${base(key)}#other`] ?? "");
            if (vars(value).some((v) => !english.includes(v))) wrong.push(`${area}/${lang}: ${key}`);
          } else if (en[key] !== undefined && vars(en[key]).join() !== vars(value).join()) {
            wrong.push(`${area}/${lang}: ${key}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
