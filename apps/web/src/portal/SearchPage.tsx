import { Link, useLocation, useSearch } from "wouter";
import { api, unwrap } from "../api/client";
import { t, useLang } from "../i18n/i18n";
import { ErrorNote, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { needsAccount, SearchBox, SignInPrompt, Snippet } from "./kb";
import { usePortalSite } from "./site";

/** Knowledge-base search results: each hit is a section of an article, with the matched words marked. */
export function SearchPage() {
  const q = new URLSearchParams(useSearch()).get("q")?.trim() ?? "";
  const lang = useLang();
  const { site } = usePortalSite();
  const [, navigate] = useLocation();
  const state = useAsync(
    async () =>
      q
        ? unwrap(
            api.GET("/api/v1/kb/search", {
              params: { query: { q, lang, limit: 20, ...(site ? { site } : {}) } },
            }),
          )
        : null,
    [q, lang, site],
  );

  function open(searchId: number, articleId: number, anchor: string, link: string) {
    // the click is recorded for the search report; the reader does not wait for it
    void api.POST("/api/v1/kb/search/{id}/click", {
      params: { path: { id: searchId } },
      body: { articleId, anchor },
    });
    navigate(link);
  }

  return (
    <div className="stack">
      <PageTitle>{q ? t("portal.search.titleFor", { q }) : t("portal.search.title")}</PageTitle>
      <SearchBox initial={q} />
      {state.error ? needsAccount(state.error) ? <SignInPrompt /> : <ErrorNote error={state.error} /> : null}
      {state.loading && q && <Loading />}
      {state.data && (
        <>
          <p role="status">{t("portal.search.count", { count: state.data.hits.length })}</p>
          <ol className="list">
            {state.data.hits.map((hit) => (
              <li key={`${hit.articleId}#${hit.section.anchor}`}>
                <a
                  href={hit.link}
                  onClick={(e) => {
                    e.preventDefault();
                    open(state.data?.searchId ?? 0, hit.articleId, hit.section.anchor, hit.link);
                  }}
                >
                  {hit.title}
                  {hit.section.heading !== hit.title && ` › ${hit.section.heading}`}
                </a>
                <Snippet html={hit.snippet} />
              </li>
            ))}
          </ol>
          {state.data.hits.length === 0 && (
            <p>
              {t("portal.search.nothing")} <Link href="/chat">{t("portal.nav.chat")}</Link> ·{" "}
              <Link href="/requests/new">{t("portal.nav.submit")}</Link>
            </p>
          )}
        </>
      )}
    </div>
  );
}
