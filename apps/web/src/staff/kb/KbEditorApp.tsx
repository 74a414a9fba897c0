import { Route, Switch } from "wouter";
import { useMe } from "../../app/session";
import { t } from "../../i18n/i18n";
import { PageTitle } from "../../ui/ui";
import { ArticleEditor } from "./ArticleEditor";
import { ArticleList } from "./ArticleList";
import { History } from "./History";
import { NewArticle } from "./NewArticle";

/** Who may write the knowledge base: agents and coordinators of any site, and hub admins (as the server says). */
export const canEditKb = (me: ReturnType<typeof useMe>): boolean =>
  !!me && (me.hubAdmin || me.memberships.some((m) => m.role === "agent" || m.role === "coordinator"));

/** The knowledge-base editor's pages, relative to /staff/kb. */
export default function KbEditorApp() {
  const me = useMe();
  if (!canEditKb(me)) {
    return (
      <div className="alert" role="alert">
        {t("admin.kb.notEditor")}
      </div>
    );
  }
  return (
    <Switch>
      <Route path="/" component={ArticleList} />
      <Route path="/new" component={NewArticle} />
      {/* keyed by article, so moving to a translation starts the editor afresh */}
      <Route path="/articles/:id">{(params) => <ArticleEditor key={params.id} params={params} />}</Route>
      <Route path="/articles/:id/history" component={History} />
      <Route>
        <PageTitle>{t("admin.kb.notFound")}</PageTitle>
      </Route>
    </Switch>
  );
}
