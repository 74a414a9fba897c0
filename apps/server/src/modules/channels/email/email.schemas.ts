import { z } from "zod";
import { text } from "../../../shared/text.js";
import { siteCode } from "../../sites/sites.schemas.js";

const host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, "must be a host name or an IP address");
const port = z.number().int().min(1).max(65535);
const secret = z
  .string()
  .min(1)
  .max(1000)
  .refine((s) => !s.includes("\u0000"), { message: "must not contain NUL" });

const imapInput = z.strictObject({
  host,
  port: port.optional().describe("default 993 with TLS, 143 without"),
  tls: z.boolean().default(true).describe("TLS from the start; without it STARTTLS is used when offered"),
  user: text(254).optional().describe("default: the mailbox address"),
  password: secret.optional().describe("write-only; omit to keep the current one"),
  folder: text(200).default("INBOX"),
});
const smtpInput = z.strictObject({
  host,
  port: port.optional().describe("default 465 with tls, 587 otherwise"),
  security: z.enum(["tls", "starttls", "none"]).default("starttls"),
  user: text(254).optional(),
  password: secret.optional().describe("write-only; omit to keep the current one"),
});

export const mailboxCreate = z.strictObject({
  address: z.email().max(254),
  displayName: text(200).nullable().optional(),
  enabled: z.boolean().default(true),
  autoAcknowledge: z.boolean().default(true).describe("answer a new request with its ticket key"),
  imap: imapInput.nullable().optional().describe("null: the mailbox is fed by the SMTP listener only"),
  smtp: smtpInput.nullable().optional().describe("null: outbound mail goes through the hub's SMTP_URL"),
});
export type MailboxCreate = z.infer<typeof mailboxCreate>;

export const mailboxUpdate = z
  .strictObject({
    displayName: text(200).nullable().optional(),
    enabled: z.boolean().optional(),
    autoAcknowledge: z.boolean().optional(),
    imap: imapInput.partial().extend({ password: secret.nullable().optional() }).nullable().optional(),
    smtp: smtpInput.partial().extend({ password: secret.nullable().optional() }).nullable().optional(),
  })
  .refine((o) => Object.values(o).some((v) => v !== undefined), { message: "nothing to change" });
export type MailboxUpdate = z.infer<typeof mailboxUpdate>;

export const mailboxView = z.object({
  id: z.number(),
  address: z.string(),
  displayName: z.string().nullable(),
  enabled: z.boolean(),
  autoAcknowledge: z.boolean(),
  imap: z
    .object({
      host: z.string(),
      port: z.number(),
      tls: z.boolean(),
      user: z.string(),
      folder: z.string(),
      passwordSet: z.boolean(),
    })
    .nullable(),
  smtp: z
    .object({
      host: z.string(),
      port: z.number(),
      security: z.enum(["tls", "starttls", "none"]),
      user: z.string().nullable(),
      passwordSet: z.boolean(),
    })
    .nullable(),
  status: z.object({
    uidValidity: z.number().nullable(),
    lastUid: z.number(),
    lastCheckedAt: z.string().nullable(),
    lastError: z.string().nullable(),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type MailboxView = z.infer<typeof mailboxView>;

export const emailSettings = z.object({
  site: z.string(),
  mailboxes: z.array(mailboxView),
  /** whether the hub has a process-wide relay for sites without their own SMTP settings */
  hubRelay: z.boolean(),
  actions: z.array(z.string()),
});

export const emailSiteParams = z.strictObject({ code: siteCode });
export const mailboxParams = z.strictObject({
  code: siteCode,
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});
