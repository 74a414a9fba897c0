import { z } from "zod";
import { text } from "../../../shared/text.js";
import { referenceKey } from "../../categories/categories.schemas.js";
import { siteCode } from "../../sites/sites.schemas.js";
import { STATUSES, ticketKey } from "../../tickets/tickets.schemas.js";

const language = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, "a language tag such as en, fr or pt-BR");
const uploadToken = z.string().min(20).max(2000);

export const suggestionsQuery = z.strictObject({
  q: text(300).describe("what the person has typed so far (subject and description)"),
  site: siteCode.optional(),
  lang: language.optional(),
});
export const suggestions = z.object({
  items: z.array(
    z.object({
      articleId: z.number(),
      title: z.string(),
      heading: z.string(),
      link: z.string(),
      snippet: z.string().describe("HTML-escaped text with <mark> around matched words"),
    }),
  ),
});

export const requestCreate = z.strictObject({
  site: siteCode.optional().describe("required when not signed in, or when you belong to several sites"),
  subject: text(300),
  description: text(20_000),
  category: referenceKey.default("other").describe("a category key (GET /api/v1/categories)"),
  name: text(200).optional().describe("required when not signed in"),
  email: z
    .email()
    .max(254)
    .optional()
    .describe("required when not signed in; the follow-up link is sent there"),
  phone: z
    .string()
    .max(40)
    .regex(/^\+?[0-9 ()./-]{4,40}$/, "must be a phone number")
    .optional(),
  lang: language.optional().describe("the language to answer in (en, fr, es, pt, ar)"),
  attachments: z.array(uploadToken).max(10).default([]).describe("tokens from POST /api/v1/portal/uploads"),
  website: z.string().max(500).optional().describe("leave out: a field people never see, to catch robots"),
});
export type RequestCreate = z.infer<typeof requestCreate>;

export const receipt = z.object({
  key: z.string(),
  site: z.string(),
  subject: z.string(),
  status: z.enum(STATUSES),
  token: z
    .string()
    .optional()
    .describe(
      "opens this request's page and lets its requester reply, without signing in; only in the answer that opened the request, never in a replay (the link was sent by email)",
    ),
  link: z.string().optional().describe("the page to follow the request (also sent by email); as `token`"),
});

export const requestParams = z.strictObject({ key: ticketKey });

export const confirmation = z.strictObject({
  token: z.string().min(20).max(200).describe("the token of the confirmation link mailed to the address"),
});

export const linkRequest = z.strictObject({
  email: z.email().max(254).describe("the address the request was sent from"),
  site: siteCode.optional().describe("only requests at this site"),
});
export const tokenQuery = z.strictObject({ token: z.string().min(20).max(200) });

const file = z.object({
  id: z.number(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  url: z.string().describe("download with the same token"),
});
export const portalMessage = z.object({
  id: z.number(),
  from: z.enum(["requester", "support"]),
  name: z.string().nullable(),
  body: z.string(),
  createdAt: z.string(),
  attachments: z.array(file),
});
export const publicRequest = z.object({
  key: z.string(),
  site: z.string(),
  subject: z.string(),
  status: z.enum(STATUSES),
  category: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  messages: z.array(portalMessage),
  attachments: z.array(file).describe("files sent outside a message"),
});
export type PublicRequest = z.infer<typeof publicRequest>;

export const replyCreate = z.strictObject({
  body: text(20_000),
  attachments: z.array(uploadToken).max(10).default([]),
});

export const uploads = z.object({
  items: z.array(
    z.object({
      token: z.string().describe("name it in `attachments` of a request or reply within a day"),
      filename: z.string(),
      contentType: z.string(),
      size: z.number(),
    }),
  ),
});
