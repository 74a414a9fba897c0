import { useState } from "react";
import { api, unwrap } from "../api/client";
import type { Ok } from "../api/types";
import { formatDateTime } from "../i18n/format";
import { t } from "../i18n/i18n";
import { ErrorNote, Field, Loading } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { ActionResult, useAction } from "./forms";
import { SecretField } from "./SecretField";

type Mailbox = Ok<"/api/v1/sites/{code}/channels/email", "get">["mailboxes"][number];
type Security = "tls" | "starttls" | "none";

/** A site's mailboxes: each read over IMAP (or fed by the SMTP listener) and answered over SMTP. */
export function EmailChannel({ code, siteZone }: { code: string; siteZone: string | null }) {
  const settings = useAsync(
    () => unwrap(api.GET("/api/v1/sites/{code}/channels/email", { params: { path: { code } } })),
    [code],
  );
  return (
    <section className="card stack" aria-labelledby="email-title">
      <h2 id="email-title">{t("admin.channels.email")}</h2>
      <ErrorNote error={settings.error} />
      {!settings.data && !settings.error && <Loading />}
      {settings.data && (
        <>
          <p className="muted">
            {settings.data.hubRelay ? t("admin.channels.hubRelay") : t("admin.channels.noHubRelay")}
          </p>
          {settings.data.mailboxes.length === 0 && <p className="muted">{t("admin.channels.noMailboxes")}</p>}
          {settings.data.mailboxes.map((m) => (
            <MailboxForm key={m.id} code={code} mailbox={m} siteZone={siteZone} onSaved={settings.reload} />
          ))}
          <MailboxForm code={code} siteZone={siteZone} onSaved={settings.reload} />
        </>
      )}
    </section>
  );
}

type Draft = {
  address: string;
  displayName: string;
  enabled: boolean;
  autoAcknowledge: boolean;
  useImap: boolean;
  imapHost: string;
  imapPort: string;
  imapTls: boolean;
  imapUser: string;
  imapFolder: string;
  imapPassword: string;
  useSmtp: boolean;
  smtpHost: string;
  smtpPort: string;
  smtpSecurity: Security;
  smtpUser: string;
  smtpPassword: string;
};

const draftOf = (m?: Mailbox): Draft => ({
  address: m?.address ?? "",
  displayName: m?.displayName ?? "",
  enabled: m?.enabled ?? true,
  autoAcknowledge: m?.autoAcknowledge ?? true,
  useImap: m ? m.imap !== null : true,
  imapHost: m?.imap?.host ?? "",
  imapPort: m?.imap ? String(m.imap.port) : "",
  imapTls: m?.imap?.tls ?? true,
  imapUser: m?.imap?.user ?? "",
  imapFolder: m?.imap?.folder ?? "INBOX",
  imapPassword: "",
  useSmtp: m ? m.smtp !== null : false,
  smtpHost: m?.smtp?.host ?? "",
  smtpPort: m?.smtp ? String(m.smtp.port) : "",
  smtpSecurity: m?.smtp?.security ?? "starttls",
  smtpUser: m?.smtp?.user ?? "",
  smtpPassword: "",
});

const port = (p: string) => (p.trim() ? { port: Number(p) } : {});

function MailboxForm({
  code,
  mailbox,
  siteZone,
  onSaved,
}: {
  code: string;
  mailbox?: Mailbox;
  siteZone: string | null;
  onSaved: () => void;
}) {
  const [d, setD] = useState<Draft>(() => draftOf(mailbox));
  const action = useAction();
  const check = useAction();
  const idBase = `mb-${mailbox?.id ?? "new"}`;
  const imap = () =>
    d.useImap
      ? {
          host: d.imapHost.trim(),
          ...port(d.imapPort),
          tls: d.imapTls,
          ...(d.imapUser.trim() ? { user: d.imapUser.trim() } : {}),
          folder: d.imapFolder.trim() || "INBOX",
          ...(d.imapPassword ? { password: d.imapPassword } : {}),
        }
      : null;
  const smtp = () =>
    d.useSmtp
      ? {
          host: d.smtpHost.trim(),
          ...port(d.smtpPort),
          security: d.smtpSecurity,
          ...(d.smtpUser.trim() ? { user: d.smtpUser.trim() } : {}),
          ...(d.smtpPassword ? { password: d.smtpPassword } : {}),
        }
      : null;
  const save = async () => {
    const common = {
      displayName: d.displayName.trim() || null,
      enabled: d.enabled,
      autoAcknowledge: d.autoAcknowledge,
      imap: imap(),
      smtp: smtp(),
    };
    if (mailbox) {
      await unwrap(
        api.PATCH("/api/v1/sites/{code}/channels/email/mailboxes/{id}", {
          params: { path: { code, id: mailbox.id } },
          body: common,
        }),
      );
      setD({ ...d, imapPassword: "", smtpPassword: "" });
    } else {
      await unwrap(
        api.POST("/api/v1/sites/{code}/channels/email/mailboxes", {
          params: { path: { code } },
          body: { address: d.address.trim(), ...common },
        }),
      );
      setD(draftOf());
    }
    onSaved();
  };
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setD({ ...d, [key]: value });
  const text = (
    key:
      | "address"
      | "displayName"
      | "imapHost"
      | "imapPort"
      | "imapUser"
      | "imapFolder"
      | "smtpHost"
      | "smtpPort"
      | "smtpUser",
  ) => ({
    value: d[key],
    onChange: (e: { currentTarget: { value: string } }) => set(key, e.currentTarget.value),
  });
  const box = (key: "enabled" | "autoAcknowledge" | "useImap" | "imapTls" | "useSmtp", label: string) => (
    <div className="check">
      <input
        id={`${idBase}-${key}`}
        type="checkbox"
        checked={d[key]}
        onChange={(e) => set(key, e.currentTarget.checked)}
      />
      <label htmlFor={`${idBase}-${key}`}>{label}</label>
    </div>
  );

  return (
    <form className="stack card" aria-labelledby={`${idBase}-title`} onSubmit={action.submit(save)}>
      <h3 id={`${idBase}-title`}>{mailbox ? mailbox.address : t("admin.channels.addMailbox")}</h3>
      {mailbox && (
        <p className="muted">
          {mailbox.status.lastCheckedAt
            ? t("admin.channels.lastChecked", {
                date: formatDateTime(mailbox.status.lastCheckedAt, { siteZone }),
              })
            : t("admin.channels.neverChecked")}
          {mailbox.status.lastError && (
            <>
              {" · "}
              <span className="badge danger">
                {t("admin.channels.lastError", { error: mailbox.status.lastError })}
              </span>
            </>
          )}
        </p>
      )}
      {!mailbox && (
        <Field label={t("admin.channels.address")} error={action.fieldError("address")}>
          {(p) => <input {...p} type="email" required maxLength={254} {...text("address")} />}
        </Field>
      )}
      <Field label={t("admin.channels.displayName")} error={action.fieldError("displayName")}>
        {(p) => <input {...p} maxLength={200} {...text("displayName")} />}
      </Field>
      {box("enabled", t("admin.channels.enabled"))}
      {box("autoAcknowledge", t("admin.channels.autoAcknowledge"))}
      <fieldset className="stack">
        <legend>{t("admin.channels.imap")}</legend>
        {box("useImap", t("admin.channels.useImap"))}
        {d.useImap && (
          <>
            <div className="row">
              <Field label={t("admin.channels.host")} error={action.fieldError("imap.host")}>
                {(p) => <input {...p} required maxLength={253} {...text("imapHost")} />}
              </Field>
              <Field
                label={t("admin.channels.port")}
                hint={t("admin.channels.imapPortHint")}
                error={action.fieldError("imap.port")}
              >
                {(p) => <input {...p} type="number" min={1} max={65535} {...text("imapPort")} />}
              </Field>
            </div>
            {box("imapTls", t("admin.channels.imapTls"))}
            <Field
              label={t("admin.channels.user")}
              hint={t("admin.channels.imapUserHint")}
              error={action.fieldError("imap.user")}
            >
              {(p) => <input {...p} autoComplete="off" maxLength={254} {...text("imapUser")} />}
            </Field>
            <Field label={t("admin.channels.folder")} error={action.fieldError("imap.folder")}>
              {(p) => <input {...p} maxLength={200} {...text("imapFolder")} />}
            </Field>
            <SecretField
              label={t("admin.channels.imapPassword")}
              isSet={mailbox?.imap?.passwordSet ?? false}
              value={d.imapPassword}
              onChange={(v) => set("imapPassword", v)}
              error={action.fieldError("imap.password")}
            />
          </>
        )}
      </fieldset>
      <fieldset className="stack">
        <legend>{t("admin.channels.smtp")}</legend>
        {box("useSmtp", t("admin.channels.useSmtp"))}
        {d.useSmtp && (
          <>
            <div className="row">
              <Field label={t("admin.channels.host")} error={action.fieldError("smtp.host")}>
                {(p) => <input {...p} required maxLength={253} {...text("smtpHost")} />}
              </Field>
              <Field
                label={t("admin.channels.port")}
                hint={t("admin.channels.smtpPortHint")}
                error={action.fieldError("smtp.port")}
              >
                {(p) => <input {...p} type="number" min={1} max={65535} {...text("smtpPort")} />}
              </Field>
              <Field label={t("admin.channels.security")} error={action.fieldError("smtp.security")}>
                {(p) => (
                  <select
                    {...p}
                    value={d.smtpSecurity}
                    onChange={(e) => set("smtpSecurity", e.currentTarget.value as Security)}
                  >
                    <option value="tls">{t("admin.channels.securityTls")}</option>
                    <option value="starttls">{t("admin.channels.securityStarttls")}</option>
                    <option value="none">{t("admin.channels.securityNone")}</option>
                  </select>
                )}
              </Field>
            </div>
            <Field label={t("admin.channels.user")} error={action.fieldError("smtp.user")}>
              {(p) => <input {...p} autoComplete="off" maxLength={254} {...text("smtpUser")} />}
            </Field>
            <SecretField
              label={t("admin.channels.smtpPassword")}
              isSet={mailbox?.smtp?.passwordSet ?? false}
              value={d.smtpPassword}
              onChange={(v) => set("smtpPassword", v)}
              error={action.fieldError("smtp.password")}
            />
          </>
        )}
      </fieldset>
      <div className="row">
        <button type="submit" className="primary" disabled={action.busy}>
          {mailbox
            ? t("admin.channels.saveMailbox", { address: mailbox.address })
            : t("admin.channels.addMailboxButton")}
        </button>
        {mailbox?.imap && (
          <button
            type="button"
            disabled={check.busy}
            onClick={() =>
              void check.run(
                async () => {
                  await unwrap(
                    api.POST("/api/v1/sites/{code}/channels/email/mailboxes/{id}/check", {
                      params: { path: { code, id: mailbox.id } },
                    }),
                  );
                  onSaved();
                },
                () => t("admin.channels.checked"),
              )
            }
          >
            {t("admin.channels.checkNow")}
          </button>
        )}
      </div>
      <ActionResult action={action} />
      <ActionResult action={check} />
    </form>
  );
}
