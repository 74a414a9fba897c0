import type { ReactNode } from "react";
import { Redirect } from "wouter";
import type { Me } from "../api/types";
import { t } from "../i18n/i18n";
import { Loading } from "../ui/ui";
import { useSession } from "./session";

/**
 * Renders its children for a signed-in user who passes `allow`; sends anyone else to the sign-in page
 * (coming back here afterwards) or says they may not see the page.
 */
export function RequireSignIn({ allow, children }: { allow?: (me: Me) => boolean; children: ReactNode }) {
  const session = useSession();
  if (session.status === "loading") return <Loading />;
  if (session.status === "anonymous") {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    return <Redirect to={`~/signin?next=${next}`} replace />;
  }
  if (allow && !allow(session.me)) {
    return (
      <div className="alert" role="alert">
        {t("common.error.notAllowed")}
      </div>
    );
  }
  return <>{children}</>;
}
