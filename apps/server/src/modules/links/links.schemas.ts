import { z } from "zod";
import { text } from "../../shared/text.js";
import { STATUSES, ticketKey } from "../tickets/tickets.schemas.js";

export const LINK_KINDS = ["related", "duplicate-of"] as const;

export const linkCreate = z.strictObject({
  ticket: ticketKey.describe("the other ticket, at any site I may read"),
});
export const mergeInput = z.strictObject({
  into: ticketKey.describe("the ticket that stays; this one is closed as its duplicate"),
  message: text(5000)
    .optional()
    .describe("a public reply to this ticket's requester; a default one otherwise"),
});
export const linkParams = z.strictObject({
  key: ticketKey,
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});

export const link = z.object({
  id: z.number(),
  kind: z.enum(LINK_KINDS),
  direction: z
    .enum(["outgoing", "incoming"])
    .describe("outgoing: this ticket is the duplicate (or links to); incoming: the other one does"),
  ticket: z.object({ key: z.string(), subject: z.string(), status: z.enum(STATUSES), site: z.string() }),
  createdAt: z.string(),
  actions: z.array(z.string()),
});
export type LinkView = z.infer<typeof link>;
