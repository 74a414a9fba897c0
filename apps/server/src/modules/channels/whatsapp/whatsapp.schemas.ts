import { z } from "zod";
import { text } from "../../../shared/text.js";

const language = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}([-_][A-Za-z]{2,4})?$/, "a language code such as en, fr or pt_BR");
const template = z.strictObject({
  name: z
    .string()
    .trim()
    .regex(/^[a-z0-9_]{1,512}$/, "lower-case letters, digits and underscores, as WhatsApp names templates"),
  language: language.describe("The template's language code as approved (en, en_US, fr…)"),
});
const secret = (what: string) => text(1000).describe(`${what}; write-only: kept when left out`);

export const whatsappSettingsInput = z.strictObject({
  phoneNumberId: z
    .string()
    .trim()
    .regex(/^\d{1,30}$/, "the digits of the phone number id from the WhatsApp Manager"),
  displayPhoneNumber: text(40).optional(),
  businessAccountId: z
    .string()
    .trim()
    .regex(/^\d{1,30}$/, "digits")
    .optional(),
  accessToken: secret("The Cloud API access token (a system user token)").optional(),
  appSecret: secret("The Meta app's secret, which signs webhook deliveries").optional(),
  verifyToken: secret("The verify token entered when subscribing the webhook").optional(),
  language: language.optional().describe("The language the chatbot answers in (default en)"),
  replyTemplate: template
    .nullable()
    .optional()
    .describe(
      "Approved template with one body parameter, for staff replies more than 24 hours after the person's last message",
    ),
  noticeTemplate: template
    .nullable()
    .optional()
    .describe("Approved template with one body parameter, for notices outside the 24-hour window"),
  enabled: z.boolean().optional(),
});
export type WhatsappSettingsInput = z.infer<typeof whatsappSettingsInput>;

export const whatsappSettings = z.object({
  site: z.string(),
  phoneNumberId: z.string(),
  displayPhoneNumber: z.string().nullable(),
  businessAccountId: z.string().nullable(),
  language: z.string(),
  replyTemplate: template.nullable(),
  noticeTemplate: template.nullable(),
  enabled: z.boolean(),
  accessTokenSet: z.boolean(),
  appSecretSet: z.boolean(),
  verifyTokenSet: z.boolean(),
  webhookUrl: z.string().describe("The callback URL to enter in the Meta app's WhatsApp webhook settings"),
  updatedAt: z.string(),
});
export type WhatsappSettings = z.infer<typeof whatsappSettings>;

export const siteParams = z.strictObject({ code: text(20) });

export const verifyQuery = z.object({
  "hub.mode": z.string().max(100).optional(),
  "hub.verify_token": z.string().max(1000).optional(),
  "hub.challenge": z.string().max(1000).optional(),
});

// The webhook's wire format (WhatsApp Cloud API). Read leniently: fields we do not use are ignored,
// and an item that does not fit is skipped on its own rather than failing the whole delivery.
const mediaObject = z.object({
  id: z.string().min(1).max(200),
  mime_type: z.string().max(200).optional(),
  sha256: z.string().max(200).optional(),
  caption: z.string().max(5000).optional(),
  filename: z.string().max(500).optional(),
});
export const inboundMessage = z.object({
  from: z.string().regex(/^\d{1,30}$/),
  id: z.string().min(1).max(200),
  timestamp: z.string().regex(/^\d{1,12}$/),
  type: z.string().min(1).max(50),
  text: z.object({ body: z.string().max(10_000) }).optional(),
  image: mediaObject.optional(),
  document: mediaObject.optional(),
});
export type InboundMessage = z.infer<typeof inboundMessage>;

export const statusItem = z.object({
  id: z.string().min(1).max(200),
  status: z.string().max(50),
  timestamp: z.string().regex(/^\d{1,12}$/),
  recipient_id: z.string().max(50).optional(),
  errors: z
    .array(z.object({ code: z.number().int().optional(), title: z.string().max(1000).optional() }))
    .optional(),
});
export type StatusItem = z.infer<typeof statusItem>;

export const changeValue = z.object({
  messaging_product: z.string().optional(),
  metadata: z.object({
    display_phone_number: z.string().optional(),
    phone_number_id: z.string().min(1).max(50),
  }),
  contacts: z
    .array(z.object({ wa_id: z.string().max(50), profile: z.object({ name: z.string() }).optional() }))
    .optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

export const webhookDelivery = z.object({
  object: z.string(),
  entry: z.array(
    z.object({
      id: z.string().optional(),
      changes: z.array(z.object({ field: z.string(), value: z.unknown() })),
    }),
  ),
});
