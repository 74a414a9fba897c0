import type { Transporter } from "nodemailer";
import type { Config } from "../../../config/config.js";
import type { SecretBox } from "../../../shared/secrets.js";
import type { MailboxRow } from "./email.repository.js";

export type SmtpRoute = { transport: Transporter; from: { name: string; address: string } };

/** Whether the hub has a way to send a mail of this mailbox (or, without one, a notice): smtpRoute would give a route. */
export function canSend(mailbox: MailboxRow | null, email: Config["email"]): boolean {
  if (!(mailbox?.address ?? email.smtpFrom)) return false;
  return Boolean(mailbox?.smtp_host || email.smtpUrl);
}

/**
 * The SMTP server and sender for a mail: the mailbox's own SMTP settings, else the process-wide
 * relay (SMTP_URL) sending as the mailbox (or SMTP_FROM when there is no mailbox); null when the hub
 * has no way to send mail.
 */
export async function smtpRoute(
  mailbox: MailboxRow | null,
  email: Config["email"],
  secrets: SecretBox,
  siteName?: string,
): Promise<SmtpRoute | null> {
  const address = mailbox?.address ?? email.smtpFrom;
  if (!address || !canSend(mailbox, email)) return null;
  // Loaded on the first mail sent: a hub that sends none never holds nodemailer in memory.
  const nodemailer = (await import("nodemailer")).default;
  const from = { name: mailbox?.display_name ?? (siteName ? `${siteName} support` : "Tierdesk"), address };
  if (mailbox?.smtp_host) {
    const security = mailbox.smtp_security;
    const transport = nodemailer.createTransport({
      host: mailbox.smtp_host,
      port: mailbox.smtp_port ?? (security === "tls" ? 465 : 587),
      secure: security === "tls",
      requireTLS: security === "starttls",
      ignoreTLS: security === "none",
      ...(mailbox.smtp_user
        ? {
            auth: {
              user: mailbox.smtp_user,
              pass: mailbox.smtp_password ? secrets.open(mailbox.smtp_password) : "",
            },
          }
        : {}),
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 120_000,
    });
    return { transport, from };
  }
  if (email.smtpUrl) return { transport: nodemailer.createTransport(email.smtpUrl), from };
  return null;
}
