import { Link } from "wouter";
import { api, unwrap } from "../api/client";
import { RequireSignIn } from "../app/RequireSignIn";
import { formatDateTime } from "../i18n/format";
import { t } from "../i18n/i18n";
import { ErrorNote, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { STATUS_LABEL, siteZones, statusTone } from "./requests";

/** "My requests": the signed-in requester's tickets, newest activity first, with their status. */
export function MyRequestsPage() {
  return (
    <RequireSignIn>
      <MyRequests />
    </RequireSignIn>
  );
}

function MyRequests() {
  const state = useAsync(async () => {
    const [page, zones] = await Promise.all([
      unwrap(api.GET("/api/v1/tickets", { params: { query: { sort: "-updated", limit: 100 } } })),
      siteZones(),
    ]);
    return { items: page.items, zones };
  }, []);
  return (
    <div className="stack">
      <PageTitle>{t("portal.nav.myRequests")}</PageTitle>
      <p>
        <Link href="/requests/new">{t("portal.nav.submit")}</Link>
      </p>
      <ErrorNote error={state.error} />
      {!state.data && !state.error && <Loading />}
      {state.data && state.data.items.length === 0 && <p>{t("portal.requests.none")}</p>}
      {state.data && state.data.items.length > 0 && (
        <ul className="list">
          {state.data.items.map((r) => (
            <li key={r.key} className="request">
              <Link href={`/requests/${r.key}`}>
                <span className="muted">{r.key}</span> {r.subject}
              </Link>
              <p className="row muted">
                <span className={`badge ${statusTone(r.status)}`}>
                  {t(STATUS_LABEL[r.status] ?? "portal.status.inProgress")}
                </span>
                <span>
                  {t("portal.requests.updated", {
                    date: formatDateTime(r.updatedAt, { siteZone: state.data?.zones.get(r.site) }),
                  })}
                </span>
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
