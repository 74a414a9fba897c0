import { useState } from "react";
import { Link } from "wouter";
import { api, unwrap } from "../api/client";
import type { Ok } from "../api/types";
import { t } from "../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../ui/ui";
import { useAsync, useDebounced } from "../ui/useAsync";
import { ActionResult, useAction } from "./forms";
import { type Membership, MembershipsEditor, roleName, SITE_ROLES, type SiteRole } from "./memberships";
import { NameLanguageFields } from "./userFields";

/** A user as the API lists them. */
export type User = Ok<"/api/v1/users", "get">["items"][number];

/** Everyone with an account, searchable by name, site and role, and the form to add someone. */
export function UsersPage() {
  const [q, setQ] = useState("");
  const [site, setSite] = useState("");
  const [role, setRole] = useState<SiteRole | "">("");
  const query = useDebounced(q.trim(), 300);
  const sites = useAsync(() => unwrap(api.GET("/api/v1/sites")), []);
  const users = useAsync(
    () =>
      unwrap(
        api.GET("/api/v1/users", {
          params: {
            query: { ...(query ? { q: query } : {}), ...(site ? { site } : {}), ...(role ? { role } : {}) },
          },
        }),
      ),
    [query, site, role],
  );
  const siteCodes = sites.data?.items.map((s) => s.code) ?? [];
  return (
    <div className="stack">
      <PageTitle>{t("admin.users.title")}</PageTitle>
      <search className="card row" aria-label={t("admin.users.filter")}>
        <Field label={t("admin.users.search")}>
          {(p) => <input {...p} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} />}
        </Field>
        <Field label={t("admin.users.site")}>
          {(p) => (
            <select {...p} value={site} onChange={(e) => setSite(e.currentTarget.value)}>
              <option value="">{t("admin.users.anySite")}</option>
              {siteCodes.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("admin.users.role")}>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.currentTarget.value as SiteRole | "")}>
              <option value="">{t("admin.users.anyRole")}</option>
              {SITE_ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleName(r)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </search>
      <ErrorNote error={users.error} />
      {users.loading && <Loading />}
      {users.data && (
        <>
          <p role="status" className="muted">
            {t("admin.users.count", { count: users.data.items.length })}
          </p>
          <ul className="list">
            {users.data.items.map((u) => (
              <li key={u.id}>
                <Link href={`/users/${u.id}`}>{u.name}</Link> <span className="muted">{u.email}</span>{" "}
                {u.hubAdmin && <span className="badge">{t("admin.users.hubAdmin")}</span>}{" "}
                {u.disabled && <span className="badge danger">{t("admin.users.disabled")}</span>}
                <p className="muted">
                  {u.memberships.map((m) => `${m.site} · ${roleName(m.role)}`).join(", ") ||
                    t("admin.users.noSites")}
                  {u.vendorTeams.length > 0 &&
                    ` · ${t("admin.users.vendorTeams")}: ${u.vendorTeams.join(", ")}`}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
      <AddUser sites={siteCodes} onAdded={users.reload} />
    </div>
  );
}

function AddUser({ sites, onAdded }: { sites: string[]; onAdded: () => void }) {
  const empty = { email: "", name: "", language: "en", password: "", hubAdmin: false };
  const [draft, setDraft] = useState(empty);
  const [memberships, setMemberships] = useState<Membership[]>([]);
  const action = useAction();
  const save = () =>
    unwrap(
      api.POST("/api/v1/users", {
        body: {
          email: draft.email.trim(),
          name: draft.name.trim(),
          language: draft.language.trim(),
          hubAdmin: draft.hubAdmin,
          memberships,
          ...(draft.password ? { password: draft.password } : {}),
        },
      }),
    ).then(() => {
      setDraft(empty);
      setMemberships([]);
      onAdded();
    });
  return (
    <section className="card stack" aria-labelledby="add-user">
      <h2 id="add-user">{t("admin.users.add")}</h2>
      <form className="stack" onSubmit={action.submit(save, () => t("admin.users.added"))}>
        <Field label={t("common.email")} error={action.fieldError("email")}>
          {(p) => (
            <input
              {...p}
              type="email"
              required
              maxLength={254}
              autoComplete="off"
              value={draft.email}
              onChange={(e) => setDraft({ ...draft, email: e.currentTarget.value })}
            />
          )}
        </Field>
        <NameLanguageFields draft={draft} onChange={setDraft} fieldError={action.fieldError} />
        <Field
          label={t("admin.users.password")}
          hint={t("admin.users.passwordHint")}
          error={action.fieldError("password")}
        >
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              minLength={8}
              value={draft.password}
              onChange={(e) => setDraft({ ...draft, password: e.currentTarget.value })}
            />
          )}
        </Field>
        <div className="check">
          <input
            id="new-hub-admin"
            type="checkbox"
            checked={draft.hubAdmin}
            onChange={(e) => setDraft({ ...draft, hubAdmin: e.currentTarget.checked })}
          />
          <label htmlFor="new-hub-admin">{t("admin.users.hubAdmin")}</label>
        </div>
        <MembershipsEditor
          sites={sites}
          value={memberships}
          onChange={setMemberships}
          fieldError={action.fieldError}
        />
        <button type="submit" className="primary" disabled={action.busy}>
          {t("admin.users.addButton")}
        </button>
        <ActionResult action={action} />
      </form>
    </section>
  );
}
