import { useState } from "react";
import { Link } from "wouter";
import { api, unwrap } from "../api/client";
import type { Body } from "../api/types";
import { t } from "../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { ActionResult, splitList, useAction } from "./forms";

type SiteInput = Body<"/api/v1/sites", "post">;
/** The site form's text fields; languages are typed as a comma-separated list. */
export type SiteDraft = Omit<SiteInput, "languages" | "productVersion"> & {
  productVersion: string;
  languages: string;
};

/** Every site of the hub, and the form to add one. */
export function SitesPage() {
  const sites = useAsync(() => unwrap(api.GET("/api/v1/sites")), []);
  return (
    <div className="stack">
      <PageTitle>{t("admin.sites.title")}</PageTitle>
      <ErrorNote error={sites.error} />
      {!sites.data && !sites.error && <Loading />}
      {sites.data && (
        <table className="table">
          <caption className="visually-hidden">{t("admin.sites.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("admin.sites.code")}</th>
              <th scope="col">{t("admin.sites.name")}</th>
              <th scope="col">{t("admin.sites.product")}</th>
              <th scope="col">{t("admin.sites.timeZone")}</th>
            </tr>
          </thead>
          <tbody>
            {sites.data.items.map((s) => (
              <tr key={s.code}>
                <td>
                  <Link href={`/sites/${s.code}`}>{s.code}</Link>
                </td>
                <td>
                  {s.name} <span className="muted">({s.country})</span>
                </td>
                <td>
                  {s.product} {s.productVersion}
                </td>
                <td>{s.timeZone}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddSite onAdded={sites.reload} />
    </div>
  );
}

const EMPTY: SiteDraft = {
  code: "",
  name: "",
  country: "",
  product: "",
  productVersion: "",
  timeZone: "",
  languages: "en",
};

function AddSite({ onAdded }: { onAdded: () => void }) {
  const [draft, setDraft] = useState<SiteDraft>(EMPTY);
  const action = useAction();
  const save = () =>
    unwrap(api.POST("/api/v1/sites", { body: toSiteInput(draft) })).then(() => {
      setDraft(EMPTY);
      onAdded();
    });
  return (
    <section className="card stack" aria-labelledby="add-site">
      <h2 id="add-site">{t("admin.sites.add")}</h2>
      <form className="stack" onSubmit={action.submit(save, () => t("admin.sites.added"))}>
        <Field
          label={t("admin.sites.code")}
          hint={t("admin.sites.codeHint")}
          error={action.fieldError("code")}
        >
          {(p) => (
            <input
              {...p}
              required
              maxLength={10}
              autoCapitalize="characters"
              value={draft.code}
              onChange={(e) => setDraft({ ...draft, code: e.currentTarget.value.toUpperCase() })}
            />
          )}
        </Field>
        <SiteFields draft={draft} setDraft={setDraft} fieldError={action.fieldError} />
        <button type="submit" className="primary" disabled={action.busy}>
          {t("admin.sites.addButton")}
        </button>
        <ActionResult action={action} />
      </form>
    </section>
  );
}

/** The site's body for the API from the form. */
export function toSiteInput(d: SiteDraft): SiteInput {
  return {
    code: d.code.trim(),
    name: d.name.trim(),
    country: d.country.trim(),
    product: d.product.trim(),
    productVersion: d.productVersion.trim() || null,
    timeZone: d.timeZone.trim(),
    languages: splitList(d.languages),
  };
}

/** The fields a site has besides its code (shared by "add" and "change"). */
export function SiteFields({
  draft,
  setDraft,
  fieldError,
}: {
  draft: SiteDraft;
  setDraft: (d: SiteDraft) => void;
  fieldError: (f: string) => string | undefined;
}) {
  const text = (key: "name" | "country" | "product" | "productVersion" | "timeZone" | "languages") => ({
    value: draft[key],
    onChange: (e: { currentTarget: { value: string } }) =>
      setDraft({ ...draft, [key]: e.currentTarget.value }),
  });
  return (
    <>
      <Field label={t("admin.sites.name")} error={fieldError("name")}>
        {(p) => <input {...p} required maxLength={200} {...text("name")} />}
      </Field>
      <Field label={t("admin.sites.country")} error={fieldError("country")}>
        {(p) => <input {...p} required maxLength={100} {...text("country")} />}
      </Field>
      <Field
        label={t("admin.sites.product")}
        hint={t("admin.sites.productHint")}
        error={fieldError("product")}
      >
        {(p) => <input {...p} required maxLength={100} {...text("product")} />}
      </Field>
      <Field label={t("admin.sites.productVersion")} error={fieldError("productVersion")}>
        {(p) => <input {...p} maxLength={50} {...text("productVersion")} />}
      </Field>
      <Field
        label={t("admin.sites.timeZone")}
        hint={t("admin.sites.timeZoneHint")}
        error={fieldError("timeZone")}
      >
        {(p) => <input {...p} required maxLength={64} list="time-zones" {...text("timeZone")} />}
      </Field>
      <datalist id="time-zones">
        {timeZones().map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <Field
        label={t("admin.sites.languages")}
        hint={t("admin.sites.languagesHint")}
        error={fieldError("languages")}
      >
        {(p) => <input {...p} required {...text("languages")} />}
      </Field>
    </>
  );
}

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [];
  }
}
