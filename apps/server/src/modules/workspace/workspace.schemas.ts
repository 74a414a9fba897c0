import { z } from "zod";
import { text } from "../../shared/text.js";
import { referenceKey } from "../categories/categories.schemas.js";
import { siteCode } from "../sites/sites.schemas.js";
import { SLA_STATES, STATUSES, ticketKey } from "../tickets/tickets.schemas.js";

/** A queue's filters: the list API's query (GET /tickets) with lists as arrays. */
export const queueFilters = z.strictObject({
  site: z.array(siteCode).min(1).max(20).optional(),
  status: z.array(z.enum(STATUSES)).min(1).max(7).optional(),
  tier: z.array(z.number().int().min(0).max(3)).min(1).max(4).optional(),
  priority: z.array(referenceKey).min(1).max(20).optional(),
  category: z.array(referenceKey).min(1).max(20).optional(),
  assignee: z
    .union([
      z.literal("me"),
      z.literal("none"),
      z
        .number()
        .int()
        .positive()
        .max(2 ** 31 - 1),
    ])
    .optional(),
  sla: z.array(z.enum(SLA_STATES)).min(1).max(4).optional(),
  q: text(200).optional(),
});
export type QueueFilters = z.infer<typeof queueFilters>;

export const BUILTIN_QUEUES = ["mine", "l1", "l2", "l3", "breaching", "unassigned", "deferred"] as const;
export type BuiltinQueue = (typeof BUILTIN_QUEUES)[number];

export const queue = z.object({
  id: z.string().describe("a built-in queue name, or view-<id> for a saved view"),
  builtin: z.enum(BUILTIN_QUEUES).nullable(),
  name: z.string().nullable().describe("the saved view's name; built-in queues are named by the app"),
  viewId: z.number().nullable(),
  filters: queueFilters,
  count: z.number(),
});
export const queueList = z.object({ items: z.array(queue) });

export const savedViewInput = z.strictObject({ name: text(100), filters: queueFilters });
export const savedViewUpdate = z
  .strictObject({ name: text(100).optional(), filters: queueFilters.optional() })
  .refine((o) => o.name !== undefined || o.filters !== undefined, { message: "nothing to change" });
export const savedView = z.object({
  id: z.number(),
  name: z.string(),
  filters: queueFilters,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedViewView = z.infer<typeof savedView>;
export const savedViewParams = z.strictObject({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});

export const PRESENCE_MODES = ["viewing", "editing", "left"] as const;
export const presenceInput = z.strictObject({
  mode: z.enum(PRESENCE_MODES).describe("send every 20 s while on the ticket; left when leaving"),
});
export const presencePerson = z.object({
  id: z.number(),
  name: z.string(),
  mode: z.enum(["viewing", "editing"]),
});
export const presence = z.object({
  ticket: z.string(),
  people: z.array(presencePerson).describe("the others on the ticket, not the caller"),
});
export type PresenceView = z.infer<typeof presence>;
export const presenceParams = z.strictObject({ key: ticketKey });
