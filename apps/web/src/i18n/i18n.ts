import { useSyncExternalStore } from "react";
import commonEn from "./common/en.json";
import portalEn from "./portal/en.json";

/** The interface languages; Arabic is written right to left. */
export const LANGS = ["en", "fr", "es", "pt", "ar"] as const;
export type Lang = (typeof LANGS)[number];
/** Catalogs are split by area so the portal never downloads staff or admin strings. */
export const AREAS = ["common", "portal", "staff", "admin"] as const;
export type Area = (typeof AREAS)[number];

/** Each language's name in itself, for the language picker. */
export const LANG_NAMES: Record<Lang, string> = {
  en: "English",
  fr: "Français",
  es: "Español",
  pt: "Português",
  ar: "العربية",
};

type Catalog = Record<string, string>;
// Plural forms are stored as "key#one", "key#other" (and Arabic's zero/two/few/many); callers use "key".
type Base<K> = K extends `${infer B}#${string}` ? B : K;
type KeysOf<A extends string, C> = `${A}.${Base<Extract<keyof C, string>>}`;
/** Every message key, checked at compile time against the English catalogs. */
export type MessageKey =
  | KeysOf<"common", typeof commonEn>
  | KeysOf<"portal", typeof portalEn>
  | KeysOf<"staff", typeof import("./staff/en.json")>
  | KeysOf<"admin", typeof import("./admin/en.json")>;
export type Vars = Record<string, string | number>;

// Vite turns each catalog into its own small chunk, fetched on demand.
const loaders = import.meta.glob<Catalog>("./*/*.json", { import: "default" });

const STORAGE_KEY = "tierdesk.lang";
const catalogs = new Map<string, Catalog>([
  ["common/en", commonEn],
  ["portal/en", portalEn],
]);
const loadedAreas = new Set<Area>(["common", "portal"]);
let current: Lang = "en";
let version = 0;
const listeners = new Set<() => void>();

async function loadCatalog(area: Area, lang: Lang): Promise<void> {
  const id = `${area}/${lang}`;
  if (catalogs.has(id)) return;
  const load = loaders[`./${id}.json`];
  if (!load) throw new Error(`No catalog ${id}`);
  catalogs.set(id, await load());
}

/** Loads an area's strings (English and the current language); lazy areas call it before rendering. */
export async function loadArea(area: Area): Promise<void> {
  loadedAreas.add(area);
  await Promise.all([loadCatalog(area, "en"), loadCatalog(area, current)]);
}

/** Switches the interface language: loads its catalogs, sets lang/dir on <html> and remembers the choice. */
export async function setLang(lang: Lang): Promise<void> {
  await Promise.all([...loadedAreas].map((a) => loadCatalog(a, lang)));
  current = lang;
  version++;
  const html = document.documentElement;
  html.lang = lang;
  html.dir = dirOf(lang);
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // private browsing may refuse storage; the choice then lasts for this page only
  }
  for (const l of listeners) l();
}

/** The language to start with: the remembered choice, else the browser's first supported language. */
export function initialLang(): Lang {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null;
  }
  const wanted = [stored, ...(navigator.languages ?? [navigator.language])];
  for (const w of wanted) {
    const base = w?.toLowerCase().split("-")[0];
    if (base && (LANGS as readonly string[]).includes(base)) return base as Lang;
  }
  return "en";
}

export const dirOf = (lang: Lang): "rtl" | "ltr" => (lang === "ar" ? "rtl" : "ltr");
export const currentLang = (): Lang => current;

function lookup(area: string, key: string, lang: Lang): string | undefined {
  return catalogs.get(`${area}/${lang}`)?.[key];
}

/**
 * Translates a key such as "portal.submit.title" into the current language, falling back to English.
 * `{name}` placeholders take their value from vars; with a numeric `count`, the plural form for the
 * language is chosen ("key#one", "key#other"…).
 */
export function t(key: MessageKey, vars?: Vars): string {
  const dot = key.indexOf(".");
  const area = key.slice(0, dot);
  const name = key.slice(dot + 1);
  let names = [name];
  if (typeof vars?.count === "number") {
    const form = new Intl.PluralRules(current).select(vars.count);
    names = [`${name}#${form}`, `${name}#other`, name];
  }
  let text: string | undefined;
  for (const lang of [current, "en"] as const) {
    for (const n of names) {
      text = lookup(area, n, lang);
      if (text !== undefined) break;
    }
    if (text !== undefined) break;
  }
  if (text === undefined) return key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, v: string) => {
    const value = vars[v];
    if (value === undefined) return whole;
    return typeof value === "number" ? new Intl.NumberFormat(current).format(value) : value;
  });
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Re-renders the component when the language changes; returns the current language. */
export function useLang(): Lang {
  useSyncExternalStore(subscribe, () => version);
  return current;
}
