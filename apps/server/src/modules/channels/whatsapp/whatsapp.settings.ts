import type { Db } from "../../../db/database.js";
import { isUniqueViolation } from "../../../db/database.js";
import type { Actor } from "../../../shared/actor.js";
import type { Clock } from "../../../shared/clock.js";
import { toIso } from "../../../shared/clock.js";
import { conflict, invalid, notFound } from "../../../shared/errors.js";
import type { Logger } from "../../../shared/logger.js";
import { authorize, authorizeVisible } from "../../../shared/policy.js";
import type { SecretBox } from "../../../shared/secrets.js";
import type { SitesService } from "../../sites/sites.service.js";
import { whatsappSettingsPolicy } from "./whatsapp.policy.js";
import { createWhatsappRepository, type NumberRow } from "./whatsapp.repository.js";
import type { WhatsappSettings, WhatsappSettingsInput } from "./whatsapp.schemas.js";

/** A site's number with its secrets opened, for the webhook and the sender. */
export type OpenNumber = {
  id: number;
  siteId: number;
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  language: string;
  replyTemplate: { name: string; language: string } | null;
  noticeTemplate: { name: string; language: string } | null;
  enabled: boolean;
};

/** How long a process trusts its copy of the numbers' secrets (another process may have changed them). */
const CACHE_MS = 5_000;

const templateOf = (name: string | null, language: string | null) =>
  name && language ? { name, language } : null;

/**
 * Per-site WhatsApp settings: the business number, its sealed secrets (write-only in the API) and the
 * approved templates. The webhook reads the enabled numbers' secrets from a short-lived cache.
 */
export function createWhatsappSettings({
  db,
  clock,
  sites,
  secrets,
  publicUrl,
  log,
}: {
  db: Db;
  clock: Clock;
  sites: SitesService;
  secrets: SecretBox;
  publicUrl: string;
  log: Logger;
}) {
  const repo = createWhatsappRepository(db);
  let cache: { at: number; numbers: Promise<OpenNumber[]> } | undefined;

  const open = (r: NumberRow): OpenNumber => ({
    id: r.id,
    siteId: r.site_id,
    phoneNumberId: r.phone_number_id,
    accessToken: secrets.open(r.access_token),
    appSecret: secrets.open(r.app_secret),
    verifyToken: secrets.open(r.verify_token),
    language: r.language,
    replyTemplate: templateOf(r.reply_template_name, r.reply_template_language),
    noticeTemplate: templateOf(r.notice_template_name, r.notice_template_language),
    enabled: r.enabled === 1,
  });

  const view = (code: string, r: NumberRow): WhatsappSettings => ({
    site: code,
    phoneNumberId: r.phone_number_id,
    displayPhoneNumber: r.display_phone_number,
    businessAccountId: r.business_account_id,
    language: r.language,
    replyTemplate: templateOf(r.reply_template_name, r.reply_template_language),
    noticeTemplate: templateOf(r.notice_template_name, r.notice_template_language),
    enabled: r.enabled === 1,
    accessTokenSet: r.access_token !== "",
    appSecretSet: r.app_secret !== "",
    verifyTokenSet: r.verify_token !== "",
    webhookUrl: `${publicUrl}/api/v1/channels/whatsapp/webhook`,
    updatedAt: toIso(r.updated_at),
  });

  async function siteFor(actor: Actor, code: string) {
    const site = (await sites.resolveCodes([code])).found[0];
    if (!site) throw notFound("site.not_found", `No site ${code}`);
    authorizeVisible(actor, whatsappSettingsPolicy.see, { siteId: site.id }, "site.not_found");
    return site;
  }

  return {
    /** The site's WhatsApp settings, secrets shown only as set or not. */
    async get(actor: Actor, code: string): Promise<WhatsappSettings> {
      const site = await siteFor(actor, code);
      authorize(actor, whatsappSettingsPolicy.read, { siteId: site.id });
      const row = await repo.numberBySite(site.id);
      if (!row) throw notFound("whatsapp.not_configured", `${site.code} has no WhatsApp number`);
      return view(site.code, row);
    },

    /** Sets up or changes the site's number; a secret left out keeps its current value. */
    async put(actor: Actor, code: string, input: WhatsappSettingsInput): Promise<WhatsappSettings> {
      const site = await siteFor(actor, code);
      authorize(actor, whatsappSettingsPolicy.write, { siteId: site.id });
      const existing = await repo.numberBySite(site.id);
      const now = clock.now();
      const seal = (v: string | undefined) => (v === undefined ? undefined : secrets.seal(v));
      const templates = {
        ...(input.replyTemplate !== undefined
          ? {
              reply_template_name: input.replyTemplate?.name ?? null,
              reply_template_language: input.replyTemplate?.language ?? null,
            }
          : {}),
        ...(input.noticeTemplate !== undefined
          ? {
              notice_template_name: input.noticeTemplate?.name ?? null,
              notice_template_language: input.noticeTemplate?.language ?? null,
            }
          : {}),
      };
      let row: NumberRow;
      try {
        if (existing) {
          row = await repo.updateNumber(existing.id, {
            phone_number_id: input.phoneNumberId,
            ...(input.displayPhoneNumber !== undefined
              ? { display_phone_number: input.displayPhoneNumber }
              : {}),
            ...(input.businessAccountId !== undefined
              ? { business_account_id: input.businessAccountId }
              : {}),
            ...(input.accessToken !== undefined ? { access_token: seal(input.accessToken) } : {}),
            ...(input.appSecret !== undefined ? { app_secret: seal(input.appSecret) } : {}),
            ...(input.verifyToken !== undefined ? { verify_token: seal(input.verifyToken) } : {}),
            ...(input.language !== undefined ? { language: input.language } : {}),
            ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
            ...templates,
            updated_at: now,
          });
        } else {
          const missing = (["accessToken", "appSecret", "verifyToken"] as const).filter(
            (f) => input[f] === undefined,
          );
          if (missing.length)
            throw invalid(
              "whatsapp.secrets_required",
              "A new WhatsApp number needs its access token, app secret and verify token",
              missing.map((field) => ({ field, message: "required" })),
            );
          row = await repo.insertNumber({
            site_id: site.id,
            phone_number_id: input.phoneNumberId,
            display_phone_number: input.displayPhoneNumber ?? null,
            business_account_id: input.businessAccountId ?? null,
            access_token: seal(input.accessToken) as string,
            app_secret: seal(input.appSecret) as string,
            verify_token: seal(input.verifyToken) as string,
            language: input.language ?? "en",
            reply_template_name: null,
            reply_template_language: null,
            notice_template_name: null,
            notice_template_language: null,
            ...templates,
            enabled: input.enabled === false ? 0 : 1,
            created_at: now,
            updated_at: now,
          });
        }
      } catch (e) {
        if (isUniqueViolation(e))
          throw conflict("whatsapp.number_taken", "Another site already uses this phone number id", [
            { field: "phoneNumberId", message: "in use by another site" },
          ]);
        throw e;
      }
      cache = undefined;
      return view(site.code, row);
    },

    /** The enabled numbers with their secrets, for checking webhook signatures and verify tokens. */
    enabledNumbers(): Promise<OpenNumber[]> {
      const now = Date.now();
      if (!cache || now - cache.at > CACHE_MS) {
        const numbers = repo.enabledNumbers().then((rows) =>
          rows.flatMap((r) => {
            try {
              return [open(r)];
            } catch (e) {
              // sealed under another session secret: this number cannot verify anything until its secrets are set again
              log.error({ err: e, site: r.site_id }, "WhatsApp number's secrets cannot be opened");
              return [];
            }
          }),
        );
        cache = { at: now, numbers };
        numbers.catch(() => {
          cache = undefined;
        });
      }
      return cache.numbers;
    },

    /** One number with its secrets opened (enabled or not), for jobs. */
    async number(id: number, exec: Db = db): Promise<OpenNumber | undefined> {
      const row = await repo.numberById(id, exec);
      return row && open(row);
    },

    /** The site's number with its secrets opened, if it has one. */
    async numberOfSite(siteId: number, exec: Db = db): Promise<OpenNumber | undefined> {
      const row = await repo.numberBySite(siteId, exec);
      return row && open(row);
    },
  };
}
export type WhatsappSettingsService = ReturnType<typeof createWhatsappSettings>;
