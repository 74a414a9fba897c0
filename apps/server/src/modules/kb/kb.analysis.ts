import { stemmer as english } from "@orama/stemmers/english";
import { stemmer as french } from "@orama/stemmers/french";
import { stemmer as portuguese } from "@orama/stemmers/portuguese";
import { stemmer as spanish } from "@orama/stemmers/spanish";
import { stopwords as enStop } from "@orama/stopwords/english";
import { stopwords as frStop } from "@orama/stopwords/french";
import { stopwords as ptStop } from "@orama/stopwords/portuguese";
import { stopwords as esStop } from "@orama/stopwords/spanish";

type Analyzer = { stem: (w: string) => string; stop: Set<string> };
const ANALYZERS: Record<string, Analyzer> = {
  en: { stem: english, stop: new Set(enStop) },
  fr: { stem: french, stop: new Set(frStop) },
  es: { stem: spanish, stop: new Set(esStop) },
  pt: { stem: portuguese, stop: new Set(ptStop) },
};
const PLAIN: Analyzer = { stem: (w) => w, stop: new Set() };

export const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "");
/** The analyzer of a language tag (pt-BR uses pt); languages without a stemmer are only folded. */
const analyzerFor = (language: string): Analyzer => ANALYZERS[language.split("-")[0] ?? ""] ?? PLAIN;

type Terms = { stem: string; word: string } | null;
/**
 * Analysed words by language. Stemming is most of the cost of indexing and a knowledge base repeats
 * its words, so each (language, word) is analysed once; the cache is dropped when it grows too big.
 */
const analysed = new Map<string, Map<string, Terms>>();
const MAX_CACHED_WORDS = 200_000;

/**
 * The index terms of one word in a language: its stem by the language's Snowball stemmer and the
 * word itself, both lower-case and without accents (none for a stop word). The stem lets
 * "enregistrements" meet "enregistrer"; the whole word lets a typo be corrected, which a stem of a
 * misspelt word rarely allows.
 */
export function termsOf(word: string, language: string): Terms {
  let cache = analysed.get(language);
  if (!cache) {
    cache = new Map();
    analysed.set(language, cache);
  }
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  const { stem, stop } = analyzerFor(language);
  const lower = word.toLowerCase();
  const folded = fold(lower);
  const out = stop.has(lower) || stop.has(folded) ? null : { stem: fold(stem(lower)), word: folded };
  if (cache.size >= MAX_CACHED_WORDS) cache.clear();
  cache.set(word, out);
  return out;
}

export const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;
export const words = (s: string): string[] => s.match(TOKEN) ?? [];

/** A text as the index sees it: the terms of each word, in the text's language. */
export function analyze(text: string, language: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    const t = termsOf(w, language);
    if (!t) continue;
    out.push(t.word);
    if (t.stem !== t.word) out.push(t.stem);
  }
  return out;
}
