import { z } from "zod";
import { text } from "../../shared/text.js";
import { referenceKey } from "../categories/categories.schemas.js";
import { siteCode } from "../sites/sites.schemas.js";

export const STATUSES = [
  "new",
  "open",
  "pending-requester",
  "pending-vendor",
  "deferred",
  "resolved",
  "closed",
] as const;
export const CHANNELS = ["web", "email", "whatsapp", "phone", "register", "api", "chatbot"] as const;
export const TIERS = [0, 1, 2, 3] as const;
export const SLA_STATES = ["ok", "warning", "breached", "paused"] as const;

export type Status = (typeof STATUSES)[number];

export const ticketKey = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{1,9}-[1-9][0-9]{0,9}$/, "must be a ticket key such as ZMB-1042");
export const ticketParams = z.strictObject({ key: ticketKey });
const tag = z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N}_.:-]{0,49}$/u, "tags are letters, digits, _ . : or -");

export const requesterInput = z.strictObject({
  name: text(200).optional(),
  email: z.email().max(254).optional(),
  phone: z
    .string()
    .max(40)
    .regex(/^\+?[0-9 ()./-]{4,40}$/, "must be a phone number")
    .optional(),
  whatsappId: z
    .string()
    .regex(/^[0-9]{5,20}$/, "must be the digits of a WhatsApp id")
    .optional(),
});

export const ticketCreate = z.strictObject({
  site: siteCode,
  subject: text(300),
  description: text(50_000),
  category: referenceKey.default("other").describe("a category key (GET /api/v1/categories)"),
  priority: referenceKey.default("normal").describe("a priority key (GET /api/v1/priorities)"),
  channel: z.enum(CHANNELS).optional(),
  requester: requesterInput.optional(),
  assigneeId: z
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1)
    .optional(),
  tags: z.array(tag).max(30).default([]),
  product: text(100).optional(),
  module: text(100).optional(),
  productVersion: text(50).optional(),
});
export type TicketCreate = z.infer<typeof ticketCreate>;

export const ticketUpdate = z
  .strictObject({
    subject: text(300).optional(),
    status: z.enum(STATUSES).optional(),
    priority: referenceKey.optional(),
    category: referenceKey.optional(),
    assigneeId: z
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1)
      .nullable()
      .optional(),
    tags: z.array(tag).max(30).optional(),
    product: text(100).nullable().optional(),
    module: text(100).nullable().optional(),
    productVersion: text(50).nullable().optional(),
    expectedVersion: z
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1)
      .optional()
      .describe("Fails with 409 if the ticket changed since"),
  })
  .refine((o) => Object.keys(o).some((k) => k !== "expectedVersion"), { message: "nothing to change" });
export type TicketUpdate = z.infer<typeof ticketUpdate>;

/** A comma-separated query value, such as `status=new,open`, as a list. */
const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === "string"
        ? v
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean)
        : v,
    z.array(item).min(1).max(20),
  );

export const ticketListQuery = z.strictObject({
  site: csv(siteCode).optional(),
  status: csv(z.enum(STATUSES)).optional(),
  tier: csv(z.coerce.number().int().min(0).max(3)).optional(),
  priority: csv(referenceKey).optional(),
  category: csv(referenceKey).optional(),
  assignee: z
    .union([
      z.literal("me"),
      z.literal("none"),
      z.coerce
        .number()
        .int()
        .positive()
        .max(2 ** 31 - 1),
    ])
    .optional()
    .describe("me, none or a user id"),
  requester: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1)
    .optional()
    .describe("a contact id"),
  sla: csv(z.enum(SLA_STATES)).optional().describe("SLA states, e.g. warning,breached"),
  q: text(200).optional(),
  sort: z
    .enum(["created", "-created", "updated", "-updated", "priority", "-priority", "sla"])
    .default("-created")
    .describe("sla: the most urgent SLA due time first, tickets without a running clock last"),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(500).optional(),
});
export type TicketListQuery = z.infer<typeof ticketListQuery>;

const person = z.object({ id: z.number(), name: z.string() });
export const contact = z.object({
  id: z.number(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  whatsappId: z.string().nullable(),
  unverified: z
    .boolean()
    .describe(
      "true when the request came from the web form without signing in and its address has not been confirmed from the mailbox: who it claims to be is unproven",
    ),
});

export const tierSegment = z.object({
  tier: z.number(),
  enteredAt: z.string(),
  leftAt: z.string().nullable(),
  durationMs: z.number(),
  reason: z.string().nullable(),
});

export const ticket = z.object({
  key: z.string(),
  site: z.string(),
  subject: z.string(),
  status: z.enum(STATUSES),
  priority: z.string(),
  category: z.string(),
  tier: z.number(),
  channel: z.string(),
  requester: contact,
  assignee: person.nullable(),
  vendorTeam: z.string().nullable(),
  product: z.string().nullable(),
  module: z.string().nullable(),
  productVersion: z.string().nullable(),
  tags: z.array(z.string()),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  firstResponseAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  slaDueAt: z.string().nullable().describe("the earliest due time of the ticket's running SLA clocks"),
  slaState: z.enum(SLA_STATES).nullable(),
  actions: z.array(z.string()),
});
export type TicketView = z.infer<typeof ticket>;
export const ticketDetail = ticket.extend({ tierHistory: z.array(tierSegment) });
export type TicketDetail = z.infer<typeof ticketDetail>;
export const ticketPage = z.object({ items: z.array(ticket), nextCursor: z.string().nullable() });

export const attachment = z.object({
  id: z.number(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  visibility: z.enum(["public", "internal"]),
  messageId: z.number().nullable(),
  createdAt: z.string(),
  url: z.string(),
});
export type AttachmentView = z.infer<typeof attachment>;

export const messageCreate = z.strictObject({
  kind: z.enum(["reply", "note"]).default("reply"),
  body: text(50_000),
  status: z.enum(STATUSES).optional().describe("Change the status in the same step, e.g. pending-requester"),
  attachmentIds: z
    .array(
      z
        .number()
        .int()
        .positive()
        .max(2 ** 31 - 1),
    )
    .max(20)
    .default([]),
});
export type MessageCreate = z.infer<typeof messageCreate>;

export const SENDER_STATUSES = ["known", "unverified", "accepted"] as const;
export type SenderStatus = (typeof SENDER_STATUSES)[number];

export const message = z.object({
  id: z.number(),
  kind: z.enum(["reply", "note"]),
  author: z
    .object({ type: z.enum(["user", "contact"]), id: z.number(), name: z.string().nullable() })
    .nullable(),
  body: z.string(),
  channel: z.string(),
  sender: z
    .object({
      address: z.string(),
      name: z.string().nullable(),
      status: z
        .enum(SENDER_STATUSES)
        .describe(
          "known: the requester or someone they copied; unverified: held as an internal note until staff accept it; accepted: by staff",
        ),
    })
    .nullable()
    .describe("who really sent a message that came in by mail (staff only; null otherwise)"),
  createdAt: z.string(),
  attachments: z.array(attachment),
});
export type MessageView = z.infer<typeof message>;
export const messagePage = z.object({ items: z.array(message), nextCursor: z.string().nullable() });
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(200),
  cursor: z.string().max(100).optional(),
});

export const event = z.object({
  id: z.number(),
  type: z.string(),
  actor: person.nullable(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
});
export const eventPage = z.object({ items: z.array(event), nextCursor: z.string().nullable() });

/** An Idempotency-Key header value: a retried creation with the same key returns the first result. */
export const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,100}$/, "1 to 100 visible ASCII characters");
