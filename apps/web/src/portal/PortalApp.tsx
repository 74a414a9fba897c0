import { Route, Switch } from "wouter";
import { t } from "../i18n/i18n";
import { type NavItem, Shell } from "../ui/Shell";
import { PageTitle } from "../ui/ui";
import { ArticlePage } from "./ArticlePage";
import { ChatPage } from "./ChatPage";
import { ConfirmPage } from "./ConfirmPage";
import { HomePage } from "./HomePage";
import { LinksPage } from "./LinksPage";
import { MyRequestsPage } from "./MyRequestsPage";
import { RequestPage } from "./RequestPage";
import { SearchPage } from "./SearchPage";
import { SubmitPage } from "./SubmitPage";
import { TrackPage } from "./TrackPage";

/** The portal's header links. */
export const portalNav = (): NavItem[] => [
  { href: "/", label: t("portal.nav.help") },
  { href: "/chat", label: t("portal.nav.chat") },
  { href: "/requests/new", label: t("portal.nav.submit") },
  { href: "/requests", label: t("portal.nav.myRequests") },
];

function NotFound() {
  return <PageTitle>{t("common.error.notFound")}</PageTitle>;
}

/** The requester portal (issue 6 §2): knowledge base, chatbot, submitting and following requests. */
export function PortalApp() {
  return (
    <Shell nav={portalNav()}>
      <Switch>
        <Route path="/" component={HomePage} />
        <Route path="/kb/search" component={SearchPage} />
        <Route path="/kb/articles/:id" component={ArticlePage} />
        <Route path="/chat" component={ChatPage} />
        <Route path="/requests/new" component={SubmitPage} />
        <Route path="/requests" component={MyRequestsPage} />
        <Route path="/requests/:key" component={RequestPage} />
        <Route path="/portal/requests/:key/confirm" component={ConfirmPage} />
        <Route path="/portal/requests/:key" component={TrackPage} />
        <Route path="/portal/links" component={LinksPage} />
        <Route component={NotFound} />
      </Switch>
    </Shell>
  );
}
