import { z } from "zod";
import { text } from "../../../shared/text.js";
import { referenceKey } from "../../categories/categories.schemas.js";
import { siteCode } from "../../sites/sites.schemas.js";
import { ticketKey } from "../../tickets/tickets.schemas.js";

export const siteParams = z.strictObject({ code: siteCode });

export const callCreate = z.strictObject({
  callerName: text(200).optional(),
  number: z
    .string()
    .max(40)
    .regex(/^\+?[0-9 ()./-]{4,40}$/, "must be a phone number")
    .describe("the caller's number; the requester is found (or created) by it"),
  direction: z.enum(["inbound", "outbound"]).default("inbound"),
  startedAt: z.iso.datetime({ offset: true }),
  durationSeconds: z
    .number()
    .int()
    .min(0)
    .max(24 * 60 * 60),
  summary: text(20_000),
  ticketKey: ticketKey
    .optional()
    .describe("add the call to this ticket of the site as an internal note, instead of opening a ticket"),
  subject: text(300).optional().describe("for a new ticket; the summary's first line when left out"),
  category: referenceKey.default("other"),
  priority: referenceKey.default("normal"),
});
export type CallCreate = z.infer<typeof callCreate>;

export const call = z.object({
  id: z.number(),
  site: z.string(),
  ticketKey: z.string(),
  openedTicket: z.boolean().describe("whether the call opened the ticket (else it was added to it)"),
  requesterId: z.number(),
  callerName: z.string().nullable(),
  number: z.string(),
  direction: z.enum(["inbound", "outbound"]),
  startedAt: z.string(),
  durationSeconds: z.number(),
  summary: z.string(),
  loggedBy: z.object({ id: z.number(), name: z.string() }),
  createdAt: z.string(),
});
export type CallView = z.infer<typeof call>;

export const callListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export const callPage = z.object({ items: z.array(call), nextCursor: z.string().nullable() });
