import { useEffect, useState } from "react";
import { Link } from "wouter";
import { api, unwrap } from "../api/client";
import { formatDate } from "../i18n/format";
import { t, useLang } from "../i18n/i18n";
import { ErrorNote, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { needsAccount, SignInPrompt, useInAppLinks } from "./kb";
import { usePortalSite } from "./site";

/** An article as the reader sees it: their site's variant or their language's translation when one exists. */
export function ArticlePage({ params }: { params: { id: string } }) {
  const lang = useLang();
  const { site } = usePortalSite();
  const id = Number(params.id);
  const onClick = useInAppLinks();
  const state = useAsync(
    () =>
      unwrap(
        api.GET("/api/v1/kb/articles/{id}", {
          params: { path: { id }, query: { lang, ...(site ? { site } : {}) } },
        }),
      ),
    [id, lang, site],
  );
  const article = state.data;

  // after the text is in, scroll to the section the link named (search hits and chatbot quotes do)
  useEffect(() => {
    if (!article || !window.location.hash) return;
    document.getElementById(decodeURIComponent(window.location.hash.slice(1)))?.scrollIntoView();
  }, [article]);

  if (state.error) return needsAccount(state.error) ? <SignInPrompt /> : <ErrorNote error={state.error} />;
  if (!article) return <Loading />;
  const otherLanguage = article.language !== lang;
  const { html, titleId } = splitTitle(article.html);
  return (
    <article className="stack" lang={article.language}>
      <PageTitle id={titleId}>{article.title}</PageTitle>
      <p className="muted">
        {t("portal.article.updated", { date: formatDate(article.updatedAt) })}
        {article.site && ` · ${t("portal.article.siteVariant", { site: article.site })}`}
      </p>
      {otherLanguage && (
        <p className="notice" lang={lang}>
          {t("portal.article.notTranslated")}
        </p>
      )}
      {/* biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useKeyWithClickEvents lint/security/noDangerouslySetInnerHtml: the server sanitizes the HTML (markdown-it + sanitize-html); the click handler only re-routes clicks on the links inside, which keep their keyboard behaviour */}
      <div className="prose card" onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />
      <div lang={lang} className="stack">
        <Feedback articleId={article.id} site={site} />
        <p>
          {t("portal.article.stillStuck")} <Link href="/chat">{t("portal.nav.chat")}</Link> ·{" "}
          <Link href="/requests/new">{t("portal.nav.submit")}</Link>
        </p>
      </div>
    </article>
  );
}

/**
 * Takes the article's own leading <h1> out of its HTML (the page already has one) and keeps its id, so
 * links to the first section still land.
 */
function splitTitle(html: string): { html: string; titleId: string | undefined } {
  const m = /^\s*<h1(?:\s+id="([^"]*)")?[^>]*>[\s\S]*?<\/h1>/.exec(html);
  return m ? { html: html.slice(m[0].length), titleId: m[1] } : { html, titleId: undefined };
}

function Feedback({ articleId, site }: { articleId: number; site: string | null }) {
  const [sent, setSent] = useState<boolean | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function send(helpful: boolean) {
    setError(null);
    try {
      await unwrap(
        api.POST("/api/v1/kb/articles/{id}/feedback", {
          params: { path: { id: articleId }, query: site ? { site } : {} },
          body: { helpful },
        }),
      );
      setSent(helpful);
    } catch (e) {
      setError(e);
    }
  }
  if (sent !== null) {
    return (
      <p className="notice" role="status">
        {t("portal.article.thanks")}
      </p>
    );
  }
  return (
    <fieldset className="row feedback">
      <legend>{t("portal.article.helpful")}</legend>
      <button type="button" onClick={() => void send(true)}>
        {t("portal.article.yes")}
      </button>
      <button type="button" onClick={() => void send(false)}>
        {t("portal.article.no")}
      </button>
      <ErrorNote error={error} />
    </fieldset>
  );
}
