import { lazy, Suspense } from "react";
import { Route, Switch } from "wouter";
import { loadArea, useLang } from "../i18n/i18n";
import { PortalApp } from "../portal/PortalApp";
import { Loading } from "../ui/ui";
import { SignInPage } from "./SignInPage";

// Staff and admin screens are separate chunks (code and strings): the portal never downloads them.
const StaffApp = lazy(async () => (await Promise.all([import("../staff/StaffApp"), loadArea("staff")]))[0]);
const AdminApp = lazy(async () => (await Promise.all([import("../admin/AdminApp"), loadArea("admin")]))[0]);

/** The top-level routes: /staff/* and /admin/* load lazily; everything else is the requester portal. */
export function App() {
  useLang();
  return (
    <Suspense fallback={<Loading />}>
      <Switch>
        <Route path="/signin" component={SignInPage} />
        <Route path="/staff" nest>
          <StaffApp />
        </Route>
        <Route path="/admin" nest>
          <AdminApp />
        </Route>
        <Route>
          <PortalApp />
        </Route>
      </Switch>
    </Suspense>
  );
}
