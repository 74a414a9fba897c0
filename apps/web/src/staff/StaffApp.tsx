import { Route, Switch } from "wouter";
import { RequireSignIn } from "../app/RequireSignIn";
import { isStaff, useMe } from "../app/session";
import { t } from "../i18n/i18n";
import { Shell } from "../ui/Shell";
import { PageTitle } from "../ui/ui";
import { KbRoutes } from "./kb/KbRoutes";
import { QueuesPage } from "./QueuesPage";
import { TicketPage } from "./TicketPage";

/** The staff workspace (issue 6 §1), mounted at /staff: queues, tickets and actions. Routes are relative. */
export default function StaffApp() {
  const me = useMe();
  // The same rule as the KB editor's own check (agents, coordinators, hub admins write the knowledge base).
  const kbEditor =
    !!me && (me.hubAdmin || me.memberships.some((m) => m.role === "agent" || m.role === "coordinator"));
  const nav = [
    { href: "/", label: t("staff.nav.queues") },
    ...(kbEditor ? [{ href: "/kb", label: t("staff.nav.kb") }] : []),
  ];
  return (
    <RequireSignIn allow={isStaff}>
      <Shell home="~/staff" nav={nav}>
        <Switch>
          <Route path="/" component={QueuesPage} />
          <Route path="/tickets/:key">{(params) => <TicketPage key={params.key} params={params} />}</Route>
          <Route path="/kb" nest>
            <KbRoutes />
          </Route>
          <Route>
            <PageTitle>{t("staff.notFound")}</PageTitle>
          </Route>
        </Switch>
      </Shell>
    </RequireSignIn>
  );
}
