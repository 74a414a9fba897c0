import { Link, Route, Switch } from "wouter";
import { RequireSignIn } from "../app/RequireSignIn";
import { t } from "../i18n/i18n";
import { type NavItem, Shell } from "../ui/Shell";
import { PageTitle } from "../ui/ui";
import { CalendarPage } from "./CalendarPage";
import { CannedPage } from "./CannedPage";
import { CategoriesPage } from "./CategoriesPage";
import { ChannelsPage } from "./ChannelsPage";
import { DeadJobsPage } from "./DeadJobsPage";
import { SitePage } from "./SitePage";
import { SitesPage } from "./SitesPage";
import { SlaPage } from "./SlaPage";
import { TokensPage } from "./TokensPage";
import { UserPage } from "./UserPage";
import { UsersPage } from "./UsersPage";

// The administration's sections, each with the line the overview says about it.
const sections = () => [
  { href: "/sites", label: t("admin.nav.sites"), about: t("admin.overview.sites") },
  { href: "/users", label: t("admin.nav.users"), about: t("admin.overview.users") },
  { href: "/categories", label: t("admin.nav.categories"), about: t("admin.overview.categories") },
  { href: "/canned", label: t("admin.nav.canned"), about: t("admin.overview.canned") },
  { href: "/tokens", label: t("admin.nav.tokens"), about: t("admin.overview.tokens") },
  { href: "/jobs", label: t("admin.nav.jobs"), about: t("admin.overview.jobs") },
  { href: "~/staff/kb", label: t("admin.nav.kb"), about: t("admin.overview.kb") },
];

const adminNav = (): NavItem[] => [
  { href: "/", label: t("admin.nav.overview") },
  ...sections().map(({ href, label }) => ({ href, label })),
];

function Overview() {
  return (
    <div className="stack">
      <PageTitle>{t("admin.overview.title")}</PageTitle>
      <ul className="list">
        {sections().map((s) => (
          <li key={s.href}>
            <Link href={s.href}>{s.label}</Link>
            <p className="muted">{s.about}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}

function NotFound() {
  return <PageTitle>{t("common.error.notFound")}</PageTitle>;
}

/** Hub administration (issue 6 §4), mounted at /admin. Routes are relative. */
export default function AdminApp() {
  return (
    <RequireSignIn allow={(me) => me.hubAdmin}>
      <Shell home="~/admin" nav={adminNav()}>
        <Switch>
          <Route path="/" component={Overview} />
          <Route path="/sites" component={SitesPage} />
          <Route path="/sites/:code" component={SitePage} />
          <Route path="/sites/:code/calendar" component={CalendarPage} />
          <Route path="/sites/:code/sla" component={SlaPage} />
          <Route path="/sites/:code/channels" component={ChannelsPage} />
          <Route path="/users" component={UsersPage} />
          <Route path="/users/:id" component={UserPage} />
          <Route path="/categories" component={CategoriesPage} />
          <Route path="/canned" component={CannedPage} />
          <Route path="/tokens" component={TokensPage} />
          <Route path="/jobs" component={DeadJobsPage} />
          <Route component={NotFound} />
        </Switch>
      </Shell>
    </RequireSignIn>
  );
}
