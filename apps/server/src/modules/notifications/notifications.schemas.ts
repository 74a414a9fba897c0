import { z } from "zod";
import { KIND_GROUPS } from "./notifications.preferences.js";

export const notification = z.object({
  id: z.number(),
  kind: z.string(),
  ticketId: z.number().nullable(),
  title: z.string(),
  body: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

const channelChoice = z.strictObject({
  inApp: z.boolean(),
  email: z.boolean(),
  whatsapp: z.boolean(),
  mode: z
    .enum(["immediate", "digest"])
    .describe("digest: email and WhatsApp notices wait for one daily summary"),
});

export const preferences = z.strictObject({
  defaults: channelChoice.extend({
    digestHour: z.number().int().min(0).max(23).describe("the hour of the daily digest, in timeZone"),
    timeZone: z.string().min(1).max(64).describe("an IANA time zone such as Africa/Lusaka"),
  }),
  groups: z
    .partialRecord(z.enum(KIND_GROUPS), channelChoice)
    .default({})
    .describe(
      "per kind group, overriding the defaults: assignment, activity (requester replies), watching, escalation, sla, workflow (deferrals, releases), requests (your own requests)",
    ),
});
export type PreferencesInput = z.infer<typeof preferences>;

export const preferencesView = preferences.extend({
  available: z
    .array(z.enum(["in_app", "email", "whatsapp"]))
    .describe("the channels this hub can deliver by now"),
});

export const watchersView = z.object({
  watching: z.boolean().describe("whether I watch the ticket"),
  items: z.array(z.object({ id: z.number(), name: z.string() })),
});

export const deliveryView = z.object({
  id: z.number(),
  kind: z.string(),
  channel: z.enum(["in_app", "email", "whatsapp"]),
  recipient: z.object({
    type: z.enum(["user", "requester"]),
    id: z.number(),
  }),
  title: z.string(),
  language: z.string(),
  status: z.enum(["queued", "sent", "failed", "skipped", "digest", "sending"]),
  attempts: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
