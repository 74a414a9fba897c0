import { useEffect, useState } from "react";
import { ApiError, api, unwrap } from "../api/client";
import type { Ok } from "../api/types";
import { formatDateTime } from "../i18n/format";
import { t } from "../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { EmailChannel } from "./EmailChannel";
import { ActionResult, useAction } from "./forms";
import { SecretField } from "./SecretField";
import { SiteTabs } from "./SitePage";

type Whatsapp = Ok<"/api/v1/sites/{code}/channels/whatsapp", "get">;

/** A site's channel settings: its mailboxes and its WhatsApp number. Secrets are write-only. */
export function ChannelsPage({ params }: { params: { code: string } }) {
  const { code } = params;
  // times are shown in the viewer's zone, with the site's beside them when it differs
  const site = useAsync(
    () => unwrap(api.GET("/api/v1/sites/{code}", { params: { path: { code } } })),
    [code],
  );
  const zone = site.data?.timeZone ?? null;
  return (
    <div className="stack">
      <PageTitle>{t("admin.channels.pageTitle", { code })}</PageTitle>
      <SiteTabs code={code} />
      <EmailChannel code={code} siteZone={zone} />
      <WhatsappChannel code={code} siteZone={zone} />
    </div>
  );
}

type WaDraft = {
  phoneNumberId: string;
  displayPhoneNumber: string;
  businessAccountId: string;
  language: string;
  replyTemplate: string;
  noticeTemplate: string;
  enabled: boolean;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
};

// Templates are edited as "name:language" (WhatsApp's own pair), empty for none.
const templateText = (tpl: { name: string; language: string } | null) =>
  tpl ? `${tpl.name}:${tpl.language}` : "";
const templateOf = (text: string) => {
  const [name = "", language = ""] = text.trim().split(":");
  return text.trim() ? { name: name.trim(), language: language.trim() } : null;
};

function draftOf(s: Whatsapp | null): WaDraft {
  return {
    phoneNumberId: s?.phoneNumberId ?? "",
    displayPhoneNumber: s?.displayPhoneNumber ?? "",
    businessAccountId: s?.businessAccountId ?? "",
    language: s?.language ?? "en",
    replyTemplate: templateText(s?.replyTemplate ?? null),
    noticeTemplate: templateText(s?.noticeTemplate ?? null),
    enabled: s?.enabled ?? true,
    accessToken: "",
    appSecret: "",
    verifyToken: "",
  };
}

function WhatsappChannel({ code, siteZone }: { code: string; siteZone: string | null }) {
  const loaded = useAsync(async () => {
    try {
      return await unwrap(api.GET("/api/v1/sites/{code}/channels/whatsapp", { params: { path: { code } } }));
    } catch (e) {
      if (e instanceof ApiError && e.code === "whatsapp.not_configured") return null;
      throw e;
    }
  }, [code]);
  const [settings, setSettings] = useState<Whatsapp | null>(null);
  const [draft, setDraft] = useState<WaDraft>(draftOf(null));
  const action = useAction();
  useEffect(() => {
    if (loaded.data !== undefined) {
      setSettings(loaded.data);
      setDraft(draftOf(loaded.data));
    }
  }, [loaded.data]);

  const save = async () => {
    const saved = await unwrap(
      api.PUT("/api/v1/sites/{code}/channels/whatsapp", {
        params: { path: { code } },
        body: {
          phoneNumberId: draft.phoneNumberId.trim(),
          ...(draft.displayPhoneNumber.trim() ? { displayPhoneNumber: draft.displayPhoneNumber.trim() } : {}),
          ...(draft.businessAccountId.trim() ? { businessAccountId: draft.businessAccountId.trim() } : {}),
          language: draft.language.trim() || "en",
          replyTemplate: templateOf(draft.replyTemplate),
          noticeTemplate: templateOf(draft.noticeTemplate),
          enabled: draft.enabled,
          ...(draft.accessToken ? { accessToken: draft.accessToken } : {}),
          ...(draft.appSecret ? { appSecret: draft.appSecret } : {}),
          ...(draft.verifyToken ? { verifyToken: draft.verifyToken } : {}),
        },
      }),
    );
    setSettings(saved);
    setDraft(draftOf(saved));
  };
  const text = (
    key:
      | "phoneNumberId"
      | "displayPhoneNumber"
      | "businessAccountId"
      | "language"
      | "replyTemplate"
      | "noticeTemplate",
  ) => ({
    value: draft[key],
    onChange: (e: { currentTarget: { value: string } }) =>
      setDraft({ ...draft, [key]: e.currentTarget.value }),
  });

  return (
    <section className="card stack" aria-labelledby="wa-title">
      <h2 id="wa-title">{t("admin.channels.whatsapp")}</h2>
      <ErrorNote error={loaded.error} />
      {loaded.loading && loaded.data === undefined && <Loading />}
      {!loaded.loading && !settings && !loaded.error && (
        <p className="muted">{t("admin.channels.waNotSetUp")}</p>
      )}
      {settings && (
        <dl className="facts">
          <dt>{t("admin.channels.webhookUrl")}</dt>
          <dd>
            <code className="secret">{settings.webhookUrl}</code>
          </dd>
          <dt>{t("admin.channels.updated")}</dt>
          <dd>{formatDateTime(settings.updatedAt, { siteZone })}</dd>
        </dl>
      )}
      {loaded.data !== undefined && (
        <form className="stack" onSubmit={action.submit(save)}>
          <div className="check">
            <input
              id="wa-enabled"
              type="checkbox"
              checked={draft.enabled}
              onChange={(e) => setDraft({ ...draft, enabled: e.currentTarget.checked })}
            />
            <label htmlFor="wa-enabled">{t("admin.channels.enabled")}</label>
          </div>
          <Field
            label={t("admin.channels.phoneNumberId")}
            hint={t("admin.channels.phoneNumberIdHint")}
            error={action.fieldError("phoneNumberId")}
          >
            {(p) => <input {...p} required inputMode="numeric" maxLength={30} {...text("phoneNumberId")} />}
          </Field>
          <Field
            label={t("admin.channels.displayPhoneNumber")}
            error={action.fieldError("displayPhoneNumber")}
          >
            {(p) => <input {...p} type="tel" maxLength={40} {...text("displayPhoneNumber")} />}
          </Field>
          <Field label={t("admin.channels.businessAccountId")} error={action.fieldError("businessAccountId")}>
            {(p) => <input {...p} inputMode="numeric" maxLength={30} {...text("businessAccountId")} />}
          </Field>
          <Field
            label={t("admin.channels.botLanguage")}
            hint={t("admin.channels.botLanguageHint")}
            error={action.fieldError("language")}
          >
            {(p) => <input {...p} maxLength={10} {...text("language")} />}
          </Field>
          <Field
            label={t("admin.channels.replyTemplate")}
            hint={t("admin.channels.templateHint")}
            error={action.fieldError("replyTemplate")}
          >
            {(p) => <input {...p} {...text("replyTemplate")} />}
          </Field>
          <Field
            label={t("admin.channels.noticeTemplate")}
            hint={t("admin.channels.templateHint")}
            error={action.fieldError("noticeTemplate")}
          >
            {(p) => <input {...p} {...text("noticeTemplate")} />}
          </Field>
          <SecretField
            label={t("admin.channels.accessToken")}
            isSet={settings?.accessTokenSet ?? false}
            value={draft.accessToken}
            onChange={(accessToken) => setDraft({ ...draft, accessToken })}
            error={action.fieldError("accessToken")}
          />
          <SecretField
            label={t("admin.channels.appSecret")}
            isSet={settings?.appSecretSet ?? false}
            value={draft.appSecret}
            onChange={(appSecret) => setDraft({ ...draft, appSecret })}
            error={action.fieldError("appSecret")}
          />
          <SecretField
            label={t("admin.channels.verifyToken")}
            isSet={settings?.verifyTokenSet ?? false}
            value={draft.verifyToken}
            onChange={(verifyToken) => setDraft({ ...draft, verifyToken })}
            error={action.fieldError("verifyToken")}
          />
          <button type="submit" className="primary" disabled={action.busy}>
            {t("admin.channels.saveWhatsapp")}
          </button>
          <ActionResult action={action} />
        </form>
      )}
    </section>
  );
}
