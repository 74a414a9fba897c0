import { useEffect, useState } from "react";
import { Link } from "wouter";
import { api, unwrap } from "../api/client";
import { t } from "../i18n/i18n";
import { ErrorNote, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { ActionResult, useAction } from "./forms";
import { type SiteDraft, SiteFields, toSiteInput } from "./SitesPage";

/** The links between a site's settings pages. */
export function SiteTabs({ code }: { code: string }) {
  return (
    <nav aria-label={t("admin.site.settings")}>
      <ul className="row list-inline">
        <li>
          <Link href={`/sites/${code}`}>{t("admin.site.details")}</Link>
        </li>
        <li>
          <Link href={`/sites/${code}/calendar`}>{t("admin.calendar.title")}</Link>
        </li>
        <li>
          <Link href={`/sites/${code}/sla`}>{t("admin.sla.title")}</Link>
        </li>
        <li>
          <Link href={`/sites/${code}/channels`}>{t("admin.channels.title")}</Link>
        </li>
      </ul>
    </nav>
  );
}

/** One site's details, editable by hub admins; its code never changes. */
export function SitePage({ params }: { params: { code: string } }) {
  const { code } = params;
  const site = useAsync(
    () => unwrap(api.GET("/api/v1/sites/{code}", { params: { path: { code } } })),
    [code],
  );
  const [draft, setDraft] = useState<SiteDraft | null>(null);
  const action = useAction();
  useEffect(() => {
    const s = site.data;
    if (s)
      setDraft({
        code: s.code,
        name: s.name,
        country: s.country,
        product: s.product,
        productVersion: s.productVersion ?? "",
        timeZone: s.timeZone,
        languages: s.languages.join(", "),
      });
  }, [site.data]);

  if (site.error) return <ErrorNote error={site.error} />;
  if (!draft) return <Loading />;
  const save = () => {
    const { code: _code, ...body } = toSiteInput(draft);
    return unwrap(api.PATCH("/api/v1/sites/{code}", { params: { path: { code } }, body }));
  };
  return (
    <div className="stack">
      <PageTitle>{t("admin.site.title", { code })}</PageTitle>
      <SiteTabs code={code} />
      <form className="card stack" onSubmit={action.submit(save)}>
        <SiteFields draft={draft} setDraft={setDraft} fieldError={action.fieldError} />
        <button type="submit" className="primary" disabled={action.busy}>
          {t("admin.save")}
        </button>
        <ActionResult action={action} />
      </form>
    </div>
  );
}
