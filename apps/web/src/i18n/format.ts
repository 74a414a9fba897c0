import { currentLang } from "./i18n";

/**
 * The locale for dates and numbers: the browser's own variant of the interface language when it has one
 * (en-GB writes 22 Nov 2026, en-US Nov 22, 2026), else the interface language.
 */
export function formatLocale(lang: string = currentLang()): string {
  const own = typeof navigator === "undefined" ? [] : (navigator.languages ?? [navigator.language]);
  return own.find((l) => l.toLowerCase().split("-")[0] === lang) ?? lang;
}

/** The viewer's time zone as the browser reports it. */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function fmt(lang: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(lang, options);
}

/**
 * A date and time in the viewer's zone; when the ticket's site runs on another zone, the site's time
 * follows in brackets with its zone name ("3 Mar 2026, 10:00 (12:00 Africa/Lusaka)").
 */
export function formatDateTime(
  iso: string | Date,
  options: { siteZone?: string | null; lang?: string; viewer?: string } = {},
): string {
  const date = typeof iso === "string" ? new Date(iso) : iso;
  const lang = options.lang ?? formatLocale();
  const viewer = options.viewer ?? viewerZone();
  const main = fmt(lang, { dateStyle: "medium", timeStyle: "short", timeZone: viewer }).format(date);
  const site = options.siteZone;
  if (!site || sameOffset(date, viewer, site)) return main;
  const there = fmt(lang, { timeStyle: "short", timeZone: site }).format(date);
  return `${main} (${there} ${site})`;
}

/** A date alone, in the viewer's zone. */
export function formatDate(iso: string | Date, lang = formatLocale()): string {
  return fmt(lang, { dateStyle: "medium" }).format(typeof iso === "string" ? new Date(iso) : iso);
}

/** "3 hours ago", "in 2 days": for ages and deadlines. */
export function formatRelative(iso: string | Date, now = Date.now(), lang = formatLocale()): string {
  const ms = (typeof iso === "string" ? Date.parse(iso) : iso.getTime()) - now;
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  const abs = Math.abs(ms);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["day", 86_400_000],
    ["hour", 3_600_000],
    ["minute", 60_000],
  ];
  for (const [unit, size] of units) if (abs >= size) return rtf.format(Math.round(ms / size), unit);
  return rtf.format(0, "minute");
}

// Two zones are "the same" for display when the clock reads the same there at that moment.
function sameOffset(date: Date, a: string, b: string): boolean {
  if (a === b) return true;
  const f = (zone: string) =>
    fmt("en", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    }).format(date);
  return f(a) === f(b);
}
