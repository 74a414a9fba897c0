import type { Updateable } from "kysely";
import type { Config } from "../../../config/config.js";
import { isUniqueViolation } from "../../../db/database.js";
import type { EmailMailboxesTable } from "../../../db/schema.js";
import type { Actor } from "../../../shared/actor.js";
import type { Clock } from "../../../shared/clock.js";
import { toIso, toIsoOrNull } from "../../../shared/clock.js";
import { invalid } from "../../../shared/errors.js";
import { allowedActions } from "../../../shared/policy.js";
import type { SecretBox } from "../../../shared/secrets.js";
import type { SitesService } from "../../sites/sites.service.js";
import { addressTaken, mailboxNotFound, settingsForbidden, siteNotFound } from "./email.errors.js";
import { emailSettingsPolicy, knowsSite } from "./email.policy.js";
import type { EmailRepository, MailboxRow } from "./email.repository.js";
import type { MailboxCreate, MailboxUpdate, MailboxView } from "./email.schemas.js";

type Deps = {
  repo: EmailRepository;
  sites: SitesService;
  secrets: SecretBox;
  clock: Clock;
  email: Config["email"];
};

/** A mailbox as the API shows it: every setting but the secrets, of which only whether they are set. */
export function mailboxView(m: MailboxRow): MailboxView {
  return {
    id: m.id,
    address: m.address,
    displayName: m.display_name,
    enabled: m.enabled === 1,
    autoAcknowledge: m.auto_acknowledge === 1,
    imap: m.imap_host
      ? {
          host: m.imap_host,
          port: m.imap_port ?? (m.imap_tls ? 993 : 143),
          tls: m.imap_tls === 1,
          user: m.imap_user ?? m.address,
          folder: m.imap_folder,
          passwordSet: !!m.imap_password,
        }
      : null,
    smtp: m.smtp_host
      ? {
          host: m.smtp_host,
          port: m.smtp_port ?? (m.smtp_security === "tls" ? 465 : 587),
          security: m.smtp_security as "tls" | "starttls" | "none",
          user: m.smtp_user,
          passwordSet: !!m.smtp_password,
        }
      : null,
    status: {
      uidValidity: m.uid_validity,
      lastUid: m.last_uid,
      lastCheckedAt: toIsoOrNull(m.last_checked_at),
      lastError: m.last_error,
    },
    createdAt: toIso(m.created_at),
    updatedAt: toIso(m.updated_at),
  };
}

/** The email channel's settings per site: mailboxes with their IMAP and SMTP settings, secrets sealed. */
export function createEmailSettings({ repo, sites, secrets, clock, email }: Deps) {
  async function siteFor(actor: Actor, code: string, write: boolean) {
    const site = (await sites.resolveCodes([code])).found[0];
    if (!site || !knowsSite(actor, site)) throw siteNotFound(code);
    if (!emailSettingsPolicy.read(actor, site)) throw settingsForbidden();
    if (write && !emailSettingsPolicy.write(actor, site)) throw settingsForbidden();
    return site;
  }

  async function mailboxOf(siteId: number, id: number) {
    const m = await repo.mailbox(id);
    if (!m || m.site_id !== siteId) throw mailboxNotFound();
    return m;
  }

  /** The columns for IMAP or SMTP settings given as a whole or as a patch; a secret left out is kept. */
  function imapColumns(
    input: MailboxUpdate["imap"] | MailboxCreate["imap"],
    current: MailboxRow | null,
  ): Updateable<EmailMailboxesTable> {
    if (input === undefined) return {};
    if (input === null)
      return { imap_host: null, imap_port: null, imap_user: null, imap_password: null, imap_folder: "INBOX" };
    const out: Updateable<EmailMailboxesTable> = {};
    if (input.host !== undefined) out.imap_host = input.host.toLowerCase();
    if (input.port !== undefined) out.imap_port = input.port;
    if (input.tls !== undefined) out.imap_tls = input.tls ? 1 : 0;
    if (input.user !== undefined) out.imap_user = input.user;
    if (input.folder !== undefined) out.imap_folder = input.folder;
    if (input.password !== undefined)
      out.imap_password = input.password === null ? null : secrets.seal(input.password);
    if (!current?.imap_host && !out.imap_host)
      throw invalidField("imap.host", "required to read this mailbox over IMAP");
    return out;
  }

  function smtpColumns(
    input: MailboxUpdate["smtp"] | MailboxCreate["smtp"],
    current: MailboxRow | null,
  ): Updateable<EmailMailboxesTable> {
    if (input === undefined) return {};
    if (input === null)
      return {
        smtp_host: null,
        smtp_port: null,
        smtp_user: null,
        smtp_password: null,
        smtp_security: "starttls",
      };
    const out: Updateable<EmailMailboxesTable> = {};
    if (input.host !== undefined) out.smtp_host = input.host.toLowerCase();
    if (input.port !== undefined) out.smtp_port = input.port;
    if (input.security !== undefined) out.smtp_security = input.security;
    if (input.user !== undefined) out.smtp_user = input.user;
    if (input.password !== undefined)
      out.smtp_password = input.password === null ? null : secrets.seal(input.password);
    if (!current?.smtp_host && !out.smtp_host)
      throw invalidField("smtp.host", "required to send through this server");
    return out;
  }

  return {
    async get(actor: Actor, code: string) {
      const site = await siteFor(actor, code, false);
      const rows = await repo.mailboxesOfSite(site.id);
      return {
        site: site.code,
        mailboxes: rows.map(mailboxView),
        hubRelay: !!email.smtpUrl,
        actions: allowedActions(emailSettingsPolicy, actor, site),
      };
    },

    async create(actor: Actor, code: string, input: MailboxCreate): Promise<MailboxView> {
      const site = await siteFor(actor, code, true);
      const now = clock.now();
      try {
        const row = await repo.insertMailbox({
          site_id: site.id,
          address: input.address.toLowerCase(),
          display_name: input.displayName ?? null,
          enabled: input.enabled ? 1 : 0,
          auto_acknowledge: input.autoAcknowledge ? 1 : 0,
          imap_folder: "INBOX",
          imap_tls: 1,
          smtp_security: "starttls",
          ...imapColumns(input.imap, null),
          ...smtpColumns(input.smtp, null),
          last_uid: 0,
          created_at: now,
          updated_at: now,
        });
        return mailboxView(row);
      } catch (e) {
        if (isUniqueViolation(e)) throw addressTaken(input.address);
        throw e;
      }
    },

    async update(actor: Actor, code: string, id: number, patch: MailboxUpdate): Promise<MailboxView> {
      const site = await siteFor(actor, code, true);
      const current = await mailboxOf(site.id, id);
      const row = await repo.updateMailbox(id, {
        ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
        ...(patch.autoAcknowledge !== undefined ? { auto_acknowledge: patch.autoAcknowledge ? 1 : 0 } : {}),
        ...imapColumns(patch.imap, current),
        ...smtpColumns(patch.smtp, current),
        // The readers restart on a new version; a reader that outlives the change renews nothing.
        updated_at: Math.max(clock.now(), current.updated_at + 1),
      });
      return mailboxView(row);
    },

    /** A mailbox of a site the actor may configure, for actions such as a connection test. */
    async writable(actor: Actor, code: string, id: number): Promise<MailboxRow> {
      const site = await siteFor(actor, code, true);
      return mailboxOf(site.id, id);
    },
  };
}
export type EmailSettings = ReturnType<typeof createEmailSettings>;

const invalidField = (field: string, message: string) =>
  invalid("email.settings_invalid", `${field}: ${message}`, [{ field, message }]);
