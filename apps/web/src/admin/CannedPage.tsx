import { useState } from "react";
import { api, unwrap } from "../api/client";
import type { Body, Ok } from "../api/types";
import { formatDateTime } from "../i18n/format";
import { LANG_NAMES, LANGS, t } from "../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { ActionResult, useAction } from "./forms";

type Canned = Ok<"/api/v1/canned-replies", "get">["items"][number];
type Language = NonNullable<Body<"/api/v1/canned-replies", "post">["language"]>;

/** Canned replies: hub-wide ones and each site's own, with the language they are written in. */
export function CannedPage() {
  const [site, setSite] = useState("");
  const sites = useAsync(() => unwrap(api.GET("/api/v1/sites")), []);
  const replies = useAsync(
    () => unwrap(api.GET("/api/v1/canned-replies", { params: { query: site ? { site } : {} } })),
    [site],
  );
  const codes = sites.data?.items.map((s) => s.code) ?? [];
  return (
    <div className="stack">
      <PageTitle>{t("admin.canned.title")}</PageTitle>
      <p className="muted">{t("admin.canned.intro")}</p>
      <search className="card row" aria-label={t("admin.canned.filter")}>
        <Field label={t("admin.canned.offeredAt")}>
          {(p) => (
            <select {...p} value={site} onChange={(e) => setSite(e.currentTarget.value)}>
              <option value="">{t("admin.canned.everywhere")}</option>
              {codes.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          )}
        </Field>
      </search>
      <ErrorNote error={replies.error} />
      {replies.loading && !replies.data && <Loading />}
      {replies.data && replies.data.items.length === 0 && <p className="muted">{t("admin.canned.none")}</p>}
      {replies.data?.items.map((c) => (
        <CannedForm key={c.id} canned={c} sites={codes} onSaved={replies.reload} />
      ))}
      <CannedForm sites={codes} onSaved={replies.reload} />
    </div>
  );
}

function CannedForm({ canned, sites, onSaved }: { canned?: Canned; sites: string[]; onSaved: () => void }) {
  const [site, setSite] = useState(canned?.site ?? "");
  const [title, setTitle] = useState(canned?.title ?? "");
  const [body, setBody] = useState(canned?.body ?? "");
  const [language, setLanguage] = useState<Language | "">(canned?.language ?? "");
  const action = useAction();
  const idBase = `canned-${canned?.id ?? "new"}`;
  const save = async () => {
    if (canned) {
      await unwrap(
        api.PATCH("/api/v1/canned-replies/{id}", {
          params: { path: { id: canned.id } },
          body: { title: title.trim(), body, language: language || null },
        }),
      );
    } else {
      await unwrap(
        api.POST("/api/v1/canned-replies", {
          body: { site: site || null, title: title.trim(), body, language: language || null },
        }),
      );
      setTitle("");
      setBody("");
    }
    onSaved();
  };
  const remove = () => {
    if (!canned || !window.confirm(t("admin.canned.confirmDelete", { title: canned.title }))) return;
    void action
      .run(() => unwrap(api.DELETE("/api/v1/canned-replies/{id}", { params: { path: { id: canned.id } } })))
      .then((ok) => ok && onSaved());
  };
  return (
    <form className="card stack" aria-labelledby={idBase} onSubmit={action.submit(save)}>
      <h2 id={idBase}>{canned ? canned.title : t("admin.canned.add")}</h2>
      {canned && (
        <p className="muted">
          {canned.site ? t("admin.canned.forSite", { site: canned.site }) : t("admin.canned.forAll")} ·{" "}
          {t("admin.canned.updated", { date: formatDateTime(canned.updatedAt) })}
        </p>
      )}
      {!canned && (
        <Field label={t("admin.canned.offeredAt")} error={action.fieldError("site")}>
          {(p) => (
            <select {...p} value={site} onChange={(e) => setSite(e.currentTarget.value)}>
              <option value="">{t("admin.canned.everywhere")}</option>
              {sites.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label={t("admin.canned.titleLabel")} error={action.fieldError("title")}>
        {(p) => (
          <input
            {...p}
            required
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
          />
        )}
      </Field>
      <Field label={t("admin.canned.language")} error={action.fieldError("language")}>
        {(p) => (
          <select
            {...p}
            value={language}
            onChange={(e) => setLanguage(e.currentTarget.value as Language | "")}
          >
            <option value="">{t("admin.canned.anyLanguage")}</option>
            {LANGS.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANG_NAMES[l]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label={t("admin.canned.body")}
        hint={t("admin.canned.bodyHint")}
        error={action.fieldError("body")}
      >
        {(p) => (
          <textarea
            {...p}
            required
            rows={6}
            maxLength={20000}
            lang={language || undefined}
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
          />
        )}
      </Field>
      <div className="row">
        <button type="submit" className={canned ? undefined : "primary"} disabled={action.busy}>
          {canned ? t("admin.canned.save", { title: canned.title }) : t("admin.canned.addButton")}
        </button>
        {canned && (
          <button type="button" disabled={action.busy} onClick={remove}>
            {t("admin.canned.delete", { title: canned.title })}
          </button>
        )}
      </div>
      <ActionResult action={action} />
    </form>
  );
}
