import { api, unwrap } from "../api/client";
import { formatDateTime } from "../i18n/format";
import { t } from "../i18n/i18n";
import { ErrorNote, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { ActionResult, useAction } from "./forms";

/** The dead-letter list: background jobs that failed every retry, with their last error, to queue again. */
export function DeadJobsPage() {
  const jobs = useAsync(
    () => unwrap(api.GET("/api/v1/admin/jobs/dead", { params: { query: { limit: 200 } } })),
    [],
  );
  const retry = useAction();
  return (
    <div className="stack">
      <PageTitle>{t("admin.jobs.title")}</PageTitle>
      <p className="muted">{t("admin.jobs.intro")}</p>
      <div className="row">
        <button type="button" onClick={jobs.reload} disabled={jobs.loading}>
          {t("admin.jobs.refresh")}
        </button>
        {jobs.data && (
          <span className="muted">{t("admin.jobs.backend", { backend: jobs.data.backend })}</span>
        )}
      </div>
      <ErrorNote error={jobs.error} />
      <ActionResult action={retry} />
      {jobs.loading && !jobs.data && <Loading />}
      {jobs.data && jobs.data.items.length === 0 && <p className="notice">{t("admin.jobs.none")}</p>}
      <ul className="list">
        {jobs.data?.items.map((j) => (
          <li key={j.id} className="stack">
            <div className="row">
              <strong>{j.name}</strong>
              <span className="badge danger">{t("admin.jobs.attempts", { count: j.attempts })}</span>
              <span className="muted">{t("admin.jobs.failedAt", { date: formatDateTime(j.failedAt) })}</span>
            </div>
            {j.lastError && <pre className="wrap">{j.lastError}</pre>}
            <details>
              <summary>{t("admin.jobs.payload")}</summary>
              <pre>{JSON.stringify(j.payload, null, 2)}</pre>
            </details>
            <div>
              <button
                type="button"
                disabled={retry.busy}
                onClick={() =>
                  void retry
                    .run(
                      () =>
                        unwrap(
                          api.POST("/api/v1/admin/jobs/dead/{id}/retry", { params: { path: { id: j.id } } }),
                        ),
                      () => t("admin.jobs.requeued", { name: j.name }),
                    )
                    .then(jobs.reload)
                }
              >
                {t("admin.jobs.retry", { name: j.name })}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
