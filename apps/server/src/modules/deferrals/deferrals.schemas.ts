import { z } from "zod";
import { text } from "../../shared/text.js";
import { ticketKey } from "../tickets/tickets.schemas.js";

export const DEFERRAL_STATES = ["proposed", "approved", "rejected", "cancelled"] as const;
export type DeferralState = (typeof DEFERRAL_STATES)[number];

const id = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);

export const deferralCreate = z.strictObject({
  releaseId: z
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1)
    .describe("a planned release of the ticket's product"),
  reason: text(5000).describe("why the issue can wait for that release"),
});
export type DeferralCreate = z.infer<typeof deferralCreate>;

export const deferralApproval = z.strictObject({ note: text(5000).optional() });
export const deferralRejection = z.strictObject({
  note: text(5000).describe("why not: the proposer reads it"),
});

export const ticketDeferralsParams = z.strictObject({ key: ticketKey });
export const deferralParams = z.strictObject({ key: ticketKey, id });

const person = z.object({ id: z.number(), name: z.string() });

export const deferral = z.object({
  id: z.number(),
  ticketKey: z.string(),
  release: z.object({
    id: z.number(),
    product: z.string(),
    version: z.string(),
    plannedDate: z.string().nullable(),
    status: z.string(),
  }),
  state: z.enum(DEFERRAL_STATES),
  reason: z.string(),
  proposedBy: person,
  decidedBy: person.nullable(),
  decisionNote: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  actions: z.array(z.string()),
});
export type DeferralView = z.infer<typeof deferral>;
