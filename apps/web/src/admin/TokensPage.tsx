import { type ReactNode, useState } from "react";
import { Link } from "wouter";
import { api, unwrap } from "../api/client";
import type { Body, Ok } from "../api/types";
import { formatDateTime } from "../i18n/format";
import { t } from "../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { type Action, ActionResult, useAction } from "./forms";

type Scope = Body<"/api/v1/auth/tokens", "post">["scopes"][number];
type Created = Ok<"/api/v1/auth/tokens", "post">;
const SCOPES: Scope[] = [
  "tickets:read",
  "tickets:write",
  "sites:read",
  "sites:write",
  "users:read",
  "users:write",
];

type TokenTimes = { lastUsedAt?: string | null; expiresAt?: string | null };
/** When a token was last used, or that it never was. */
const lastUse = (tok: TokenTimes) =>
  tok.lastUsedAt
    ? t("admin.tokens.lastUsed", { date: formatDateTime(tok.lastUsedAt) })
    : t("admin.tokens.neverUsed");
/** When a token expires, or that it does not. */
const expiry = (tok: TokenTimes) =>
  tok.expiresAt
    ? t("admin.tokens.expires", { date: formatDateTime(tok.expiresAt) })
    : t("admin.tokens.noExpiry");

/** Revokes one token once the admin confirms, shows the outcome in `action`, then calls `onRevoked`. */
function RevokeButton({
  name,
  action,
  remove,
  onRevoked,
  children,
}: {
  name: string;
  action: Action;
  remove: () => Promise<unknown>;
  onRevoked: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      disabled={action.busy}
      onClick={() => {
        if (!window.confirm(t("admin.tokens.confirmRevoke", { name }))) return;
        void action.run(remove, () => t("admin.tokens.revoked")).then(onRevoked);
      }}
    >
      {children}
    </button>
  );
}

/**
 * The admin's own API tokens (created with a name, scopes and an expiry; the secret shown once; revocable),
 * then everyone's live tokens with their owner.
 */
export function TokensPage() {
  const [round, setRound] = useState(0);
  const tokens = useAsync(() => unwrap(api.GET("/api/v1/auth/tokens")), [round]);
  const revoke = useAction();
  return (
    <div className="stack">
      <PageTitle>{t("admin.tokens.title")}</PageTitle>
      <p className="muted">{t("admin.tokens.intro")}</p>
      <ErrorNote error={tokens.error} />
      {tokens.loading && !tokens.data && <Loading />}
      {tokens.data && tokens.data.items.length === 0 && <p className="muted">{t("admin.tokens.none")}</p>}
      <ul className="list">
        {tokens.data?.items.map((tok) => (
          <li key={tok.id} className="stack">
            <div className="row">
              <strong>{tok.name}</strong> <code>{tok.prefix}…</code>
              {tok.scopes.map((s) => (
                <span key={s} className="badge">
                  {s}
                </span>
              ))}
            </div>
            <p className="muted">
              {t("admin.tokens.created", { date: formatDateTime(tok.createdAt) })} · {lastUse(tok)} ·{" "}
              {expiry(tok)}
            </p>
            <div>
              <RevokeButton
                name={tok.name}
                action={revoke}
                remove={() =>
                  unwrap(api.DELETE("/api/v1/auth/tokens/{id}", { params: { path: { id: tok.id } } }))
                }
                onRevoked={() => setRound((r) => r + 1)}
              >
                {t("admin.tokens.revoke", { name: tok.name })}
              </RevokeButton>
            </div>
          </li>
        ))}
      </ul>
      <ActionResult action={revoke} />
      <CreateToken onCreated={() => setRound((r) => r + 1)} />
      <EveryonesTokens round={round} />
    </div>
  );
}

/** Every user's live tokens with their owner, so a hub admin can revoke one nobody should hold any more. */
function EveryonesTokens({ round }: { round: number }) {
  const all = useAsync(() => unwrap(api.GET("/api/v1/admin/tokens")), [round]);
  const revoke = useAction();
  return (
    <section className="card stack" aria-labelledby="all-tokens">
      <h2 id="all-tokens">{t("admin.tokens.everyone")}</h2>
      <ErrorNote error={all.error} />
      {all.loading && !all.data && <Loading />}
      {all.data && (
        <table className="table">
          <caption className="visually-hidden">{t("admin.tokens.everyone")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("admin.tokens.owner")}</th>
              <th scope="col">{t("admin.tokens.name")}</th>
              <th scope="col">{t("admin.tokens.scopes")}</th>
              <th scope="col">{t("admin.tokens.use")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("admin.tokens.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {all.data.items.map((tok) => (
              <tr key={tok.id}>
                <td>
                  <Link href={`/users/${tok.owner.id}`}>{tok.owner.name}</Link>
                  <br />
                  <span className="muted">{tok.owner.email}</span>
                </td>
                <td>
                  {tok.name} <code>{tok.prefix}…</code>
                </td>
                <td>{tok.scopes.join(", ")}</td>
                <td>
                  {lastUse(tok)}
                  <br />
                  {expiry(tok)}
                </td>
                <td>
                  <RevokeButton
                    name={tok.name}
                    action={revoke}
                    remove={() =>
                      unwrap(api.DELETE("/api/v1/admin/tokens/{id}", { params: { path: { id: tok.id } } }))
                    }
                    onRevoked={all.reload}
                  >
                    {t("admin.tokens.revokeOf", { name: tok.name, owner: tok.owner.name })}
                  </RevokeButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ActionResult action={revoke} />
    </section>
  );
}

function CreateToken({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["tickets:read"]);
  const [days, setDays] = useState("90");
  const [created, setCreated] = useState<Created | null>(null);
  const action = useAction();
  const save = async () => {
    setCreated(null);
    const out = await unwrap(
      api.POST("/api/v1/auth/tokens", {
        body: { name: name.trim(), scopes, ...(days ? { expiresInDays: Number(days) } : {}) },
      }),
    );
    setCreated(out);
    setName("");
    onCreated();
  };
  const scopeError = action.fieldError("scopes");
  return (
    <section className="card stack" aria-labelledby="new-token">
      <h2 id="new-token">{t("admin.tokens.create")}</h2>
      <form className="stack" onSubmit={action.submit(save, () => t("admin.tokens.createdNote"))}>
        <Field
          label={t("admin.tokens.name")}
          hint={t("admin.tokens.nameHint")}
          error={action.fieldError("name")}
        >
          {(p) => (
            <input
              {...p}
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
          )}
        </Field>
        <fieldset aria-describedby={scopeError ? "scopes-error" : undefined}>
          <legend>{t("admin.tokens.scopes")}</legend>
          {SCOPES.map((s) => (
            <div className="check" key={s}>
              <input
                id={`scope-${s}`}
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) =>
                  setScopes(e.currentTarget.checked ? [...scopes, s] : scopes.filter((x) => x !== s))
                }
              />
              <label htmlFor={`scope-${s}`}>{s}</label>
            </div>
          ))}
          {scopeError && (
            <p className="field-error" id="scopes-error">
              {scopeError}
            </p>
          )}
        </fieldset>
        <Field
          label={t("admin.tokens.days")}
          hint={t("admin.tokens.daysHint")}
          error={action.fieldError("expiresInDays")}
        >
          {(p) => (
            <input
              {...p}
              type="number"
              min={1}
              max={3650}
              value={days}
              onChange={(e) => setDays(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" className="primary" disabled={action.busy}>
          {t("admin.tokens.createButton")}
        </button>
        <ActionResult action={action} />
      </form>
      {created && (
        <div className="notice stack">
          <p>{t("admin.tokens.copyNow")}</p>
          <code className="secret">{created.token}</code>
        </div>
      )}
    </section>
  );
}
