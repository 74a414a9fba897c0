import { Link, useSearch } from "wouter";
import { ApiError, api, unwrap } from "../api/client";
import { t } from "../i18n/i18n";
import { ErrorNote, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { ReplyForm, RequestThread } from "./RequestThread";

/**
 * A request followed through the signed link e-mailed to its requester (no account needed): status,
 * public replies and a reply box. The token in the link is the only key.
 */
export function TrackPage({ params }: { params: { key: string } }) {
  const token = new URLSearchParams(useSearch()).get("token") ?? "";
  const state = useAsync(
    () =>
      unwrap(
        api.GET("/api/v1/portal/requests/{key}", { params: { path: { key: params.key }, query: { token } } }),
      ),
    [params.key, token],
  );
  if (state.error) {
    const bad = state.error instanceof ApiError && [400, 403, 404, 410].includes(state.error.status);
    const ended = state.error instanceof ApiError && state.error.status === 410;
    return (
      <div className="stack">
        <PageTitle>{t("portal.track.title")}</PageTitle>
        {bad ? (
          <p className="alert">
            {t(ended ? "portal.track.endedLink" : "portal.track.badLink")}{" "}
            <Link href="/portal/links">{t("portal.links.ask")}</Link>
          </p>
        ) : (
          <ErrorNote error={state.error} />
        )}
      </div>
    );
  }
  if (!state.data) return <Loading />;
  const r = state.data;
  return (
    <div className="stack">
      <RequestThread request={r} messages={r.messages.map((m) => ({ ...m, mine: m.from === "requester" }))}>
        <ReplyForm
          maxLength={20_000}
          send={(body) =>
            unwrap(
              api.POST("/api/v1/portal/requests/{key}/replies", {
                params: { path: { key: r.key }, query: { token } },
                body: { body },
              }),
            )
          }
          onSent={state.reload}
        />
      </RequestThread>
    </div>
  );
}
