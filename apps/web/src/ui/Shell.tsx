import type { ReactNode } from "react";
import { Link, useLocation } from "wouter";
import { isStaff, signOut, useMe } from "../app/session";
import { LANG_NAMES, LANGS, type Lang, setLang, t, useLang } from "../i18n/i18n";

/** A navigation entry of an area's header. */
export type NavItem = { href: string; label: string };

/**
 * The page frame every area shares: skip link, header with the area's navigation, language picker and
 * account links, then the page. `home` is where the brand links to.
 */
export function Shell({ nav, home = "/", children }: { nav: NavItem[]; home?: string; children: ReactNode }) {
  const lang = useLang();
  const me = useMe();
  const [location, navigate] = useLocation();
  // links to the user's other areas, after the area's own navigation
  const areas: NavItem[] = [
    { href: "~/", label: t("common.area.portal") },
    ...(isStaff(me) ? [{ href: "~/staff", label: t("common.area.staff") }] : []),
    ...(me?.hubAdmin ? [{ href: "~/admin", label: t("common.area.admin") }] : []),
  ].filter((a) => a.href !== (home === "/" ? "~/" : home));
  return (
    <>
      <a className="skip" href="#main">
        {t("common.skipToContent")}
      </a>
      <header className="top">
        <div className="top-row">
          <Link href={home} className="brand">
            Tierdesk
          </Link>
          <div className="top-tools">
            <label className="visually-hidden" htmlFor="lang-picker">
              {t("common.language")}
            </label>
            <select
              id="lang-picker"
              value={lang}
              onChange={(e) => void setLang(e.currentTarget.value as Lang)}
            >
              {LANGS.map((l) => (
                <option key={l} value={l} lang={l}>
                  {LANG_NAMES[l]}
                </option>
              ))}
            </select>
            {me ? (
              <button
                type="button"
                className="link"
                onClick={() => void signOut().then(() => navigate("~/"))}
              >
                {t("common.signOut")}
              </button>
            ) : (
              <Link
                href={`~/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`}
              >
                {t("common.signIn")}
              </Link>
            )}
          </div>
        </div>
        <nav aria-label={t("common.mainNavigation")}>
          <ul>
            {nav.map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={location === item.href ? "page" : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
            {areas.map((a) => (
              <li key={a.href} className="area-link">
                <Link href={a.href}>{a.label}</Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
