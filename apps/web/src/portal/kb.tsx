import type { FormEvent, MouseEvent } from "react";
import { Link, useLocation } from "wouter";
import { ApiError } from "../api/client";
import { t } from "../i18n/i18n";

/** True when the API refused because nobody is signed in. */
export const needsAccount = (error: unknown): boolean => error instanceof ApiError && error.status === 401;

/** Says the help center needs an account (the knowledge-base API is for signed-in users) and links to sign-in. */
export function SignInPrompt() {
  const next = encodeURIComponent(window.location.pathname + window.location.search);
  return (
    <div className="notice">
      <p>{t("portal.kb.signInToRead")}</p>
      <p className="row">
        <Link href={`/signin?next=${next}`}>{t("common.signIn")}</Link>
        <Link href="/requests/new">{t("portal.nav.submit")}</Link>
      </p>
    </div>
  );
}

/** The knowledge-base search box; submitting opens the results page. */
export function SearchBox({ initial = "" }: { initial?: string }) {
  const [, navigate] = useLocation();
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const q = String(new FormData(e.currentTarget).get("q") ?? "").trim();
    if (q) navigate(`/kb/search?q=${encodeURIComponent(q)}`);
  }
  return (
    <search>
      <form onSubmit={submit} className="row search-form">
        <label className="visually-hidden" htmlFor="kb-q">
          {t("portal.kb.searchLabel")}
        </label>
        <input
          id="kb-q"
          name="q"
          type="search"
          defaultValue={initial}
          placeholder={t("portal.kb.searchPlaceholder")}
          maxLength={300}
          enterKeyHint="search"
        />
        <button type="submit" className="primary">
          {t("common.search")}
        </button>
      </form>
    </search>
  );
}

/**
 * Makes same-site links inside server-rendered article HTML navigate within the app instead of reloading
 * the page (attach as onClick on the container).
 */
export function useInAppLinks() {
  const [, navigate] = useLocation();
  return (e: MouseEvent<HTMLElement>) => {
    const a = (e.target as HTMLElement).closest("a");
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
      return;
    const url = new URL(a.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname.startsWith("/api/")) return;
    if (url.pathname === window.location.pathname && url.hash) return;
    e.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  };
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};
const unescapeHtml = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);

/**
 * A search snippet (HTML-escaped text with <mark> around matched words) as React nodes, so no server
 * HTML is injected.
 */
export function Snippet({ html }: { html: string }) {
  const parts = html.split(/<mark>|<\/mark>/);
  return (
    <p className="snippet">
      {parts.map((part, i) =>
        // odd parts sat between <mark> and </mark>
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts never move
        i % 2 ? <mark key={i}>{unescapeHtml(part)}</mark> : unescapeHtml(part),
      )}
    </p>
  );
}
