import { Link } from "wouter";
import { api, unwrap } from "../api/client";
import { useMe } from "../app/session";
import { t, useLang } from "../i18n/i18n";
import { ErrorNote, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { needsAccount, SearchBox, SignInPrompt } from "./kb";

/** The portal's front page: search the knowledge base, ask the chatbot or submit, and browse the guides. */
export function HomePage() {
  const me = useMe();
  return (
    <div className="stack">
      <PageTitle>{t("portal.home.title")}</PageTitle>
      <p className="muted">{t("portal.home.intro")}</p>
      <SearchBox />
      <ul className="actions">
        <li>
          <Link href="/chat" className="card action">
            <strong>{t("portal.nav.chat")}</strong>
            <span className="muted">{t("portal.home.chatHint")}</span>
          </Link>
        </li>
        <li>
          <Link href="/requests/new" className="card action">
            <strong>{t("portal.nav.submit")}</strong>
            <span className="muted">{t("portal.home.submitHint")}</span>
          </Link>
        </li>
        {me && (
          <li>
            <Link href="/requests" className="card action">
              <strong>{t("portal.nav.myRequests")}</strong>
              <span className="muted">{t("portal.home.requestsHint")}</span>
            </Link>
          </li>
        )}
      </ul>
      <Collections signedIn={!!me} />
    </div>
  );
}

function Collections({ signedIn }: { signedIn: boolean }) {
  const lang = useLang();
  const state = useAsync(async () => {
    const [collections, articles] = await Promise.all([
      unwrap(api.GET("/api/v1/kb/collections")),
      unwrap(api.GET("/api/v1/kb/articles", { params: { query: { status: "published", limit: 500 } } })),
    ]);
    // one entry per article family, titled in the reader's language when a translation exists; the
    // article page then picks the translation or the site's variant
    const translated = new Map(
      articles.items
        .filter((a) => a.parentId !== null && a.site === null && a.language === lang)
        .map((a) => [a.parentId, a]),
    );
    const entries = articles.items
      .filter((a) => a.parentId === null)
      .map((a) => ({
        id: a.id,
        collectionId: a.collectionId,
        title: translated.get(a.id)?.title ?? a.title,
        language: translated.get(a.id)?.language ?? a.language,
      }));
    return collections.items
      .map((c) => ({ ...c, articles: entries.filter((a) => a.collectionId === c.id) }))
      .filter((c) => c.articles.length > 0);
  }, [signedIn, lang]);
  if (state.error && needsAccount(state.error)) return <SignInPrompt />;
  if (state.error) return <ErrorNote error={state.error} />;
  if (!state.data) return <Loading />;
  return (
    <section aria-labelledby="guides" className="stack">
      <h2 id="guides">{t("portal.home.guides")}</h2>
      {state.data.map((c) => (
        <section key={c.id} aria-labelledby={`collection-${c.id}`}>
          <h3 id={`collection-${c.id}`}>{c.name}</h3>
          {c.description && <p className="muted">{c.description}</p>}
          <ul className="list">
            {c.articles.map((a) => (
              <li key={a.id}>
                <Link href={`/kb/articles/${a.id}`} lang={a.language === lang ? undefined : a.language}>
                  {a.title}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {state.data.length === 0 && <p>{t("portal.home.noGuides")}</p>}
    </section>
  );
}
