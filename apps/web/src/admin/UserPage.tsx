import { useEffect, useState } from "react";
import { api, unwrap } from "../api/client";
import { formatDateTime } from "../i18n/format";
import { t } from "../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { ActionResult, splitList, useAction } from "./forms";
import { type Membership, MembershipsEditor } from "./memberships";
import { NameLanguageFields } from "./userFields";

type Draft = {
  name: string;
  language: string;
  disabled: boolean;
  hubAdmin: boolean;
  memberships: Membership[];
  vendorTeams: string;
};

/** One user: name, language, hub-admin flag, memberships, vendor teams, disabling, and a password-reset link. */
export function UserPage({ params }: { params: { id: string } }) {
  const id = Number(params.id);
  const loaded = useAsync(
    () =>
      Promise.all([
        unwrap(api.GET("/api/v1/users/{id}", { params: { path: { id } } })),
        unwrap(api.GET("/api/v1/sites")),
      ]),
    [id],
  );
  const [draft, setDraft] = useState<Draft | null>(null);
  const action = useAction();
  const reset = useAction();
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  useEffect(() => {
    const u = loaded.data?.[0];
    if (u)
      setDraft({
        name: u.name,
        language: u.language,
        disabled: u.disabled,
        hubAdmin: u.hubAdmin,
        memberships: u.memberships as Membership[],
        vendorTeams: u.vendorTeams.join(", "),
      });
  }, [loaded.data]);

  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!draft || !loaded.data) return <Loading />;
  const [user, sites] = loaded.data;
  const save = () =>
    unwrap(
      api.PATCH("/api/v1/users/{id}", {
        params: { path: { id } },
        body: {
          name: draft.name.trim(),
          language: draft.language.trim(),
          disabled: draft.disabled,
          hubAdmin: draft.hubAdmin,
          memberships: draft.memberships,
          vendorTeams: splitList(draft.vendorTeams),
        },
      }),
    );
  const issueReset = async () =>
    setLink(await unwrap(api.POST("/api/v1/users/{id}/password-reset", { params: { path: { id } } })));

  return (
    <div className="stack">
      <PageTitle>{user.name}</PageTitle>
      <p className="muted">
        {user.email} · {t("admin.users.since", { date: formatDateTime(user.createdAt) })}
      </p>
      <form className="card stack" onSubmit={action.submit(save)}>
        <NameLanguageFields draft={draft} onChange={setDraft} fieldError={action.fieldError} />
        <div className="check">
          <input
            id="hub-admin"
            type="checkbox"
            checked={draft.hubAdmin}
            onChange={(e) => setDraft({ ...draft, hubAdmin: e.currentTarget.checked })}
          />
          <label htmlFor="hub-admin">{t("admin.users.hubAdmin")}</label>
        </div>
        <div className="check">
          <input
            id="disabled"
            type="checkbox"
            aria-describedby="disabled-hint"
            checked={draft.disabled}
            onChange={(e) => setDraft({ ...draft, disabled: e.currentTarget.checked })}
          />
          <label htmlFor="disabled">{t("admin.users.disable")}</label>
          <p className="hint" id="disabled-hint">
            {t("admin.users.disableHint")}
          </p>
        </div>
        <MembershipsEditor
          sites={sites.items.map((s) => s.code)}
          value={draft.memberships}
          onChange={(memberships) => setDraft({ ...draft, memberships })}
          fieldError={action.fieldError}
        />
        <Field
          label={t("admin.users.vendorTeams")}
          hint={t("admin.users.vendorTeamsHint")}
          error={action.fieldError("vendorTeams")}
        >
          {(p) => (
            <input
              {...p}
              value={draft.vendorTeams}
              onChange={(e) => setDraft({ ...draft, vendorTeams: e.currentTarget.value })}
            />
          )}
        </Field>
        <button type="submit" className="primary" disabled={action.busy}>
          {t("admin.save")}
        </button>
        <ActionResult action={action} />
      </form>
      <section className="card stack" aria-labelledby="reset">
        <h2 id="reset">{t("admin.users.resetTitle")}</h2>
        <p className="muted">{t("admin.users.resetHint")}</p>
        <button
          type="button"
          disabled={reset.busy}
          onClick={() => void reset.run(issueReset, () => t("admin.users.resetIssued"))}
        >
          {t("admin.users.resetButton")}
        </button>
        <ActionResult action={reset} />
        {link && (
          <p>
            <code className="secret">{link.url}</code>{" "}
            <span className="muted">
              {t("admin.users.resetExpires", { date: formatDateTime(link.expiresAt) })}
            </span>
          </p>
        )}
      </section>
    </div>
  );
}
