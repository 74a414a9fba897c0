import { z } from "zod";
import { text } from "../../shared/text.js";

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;

const evidenceInput = z.strictObject({
  attachmentIds: z
    .array(
      z
        .number()
        .int()
        .positive()
        .max(2 ** 31 - 1),
    )
    .max(50)
    .default([]),
  noEvidenceReason: text(2000).optional(),
});

/**
 * The Level 3 dossier as sent: every field optional (drafts are partial) and merged over the stored
 * latest version; null clears a field. Site and country come from the ticket's site.
 */
export const dossierInput = z.strictObject({
  module: text(200).nullable().optional(),
  summary: text(300).nullable().optional(),
  description: text(20_000).nullable().optional(),
  stepsToReproduce: z.array(text(2000)).min(1).max(50).nullable().optional(),
  productVersion: text(50).nullable().optional(),
  applicationUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .max(2000)
    .nullable()
    .optional(),
  impactedUsers: text(2000).nullable().optional().describe("who is affected, and how many"),
  impactedRoles: z.array(text(100)).min(1).max(50).nullable().optional(),
  browserAndDevice: text(500).nullable().optional(),
  evidence: evidenceInput
    .nullable()
    .optional()
    .describe("at least one screenshot or log attached to this ticket, or the reason there is none"),
  severity: z.enum(SEVERITIES).nullable().optional(),
  workaroundExists: z.boolean().nullable().optional(),
  workaround: text(5000).nullable().optional(),
});
export type DossierInput = z.infer<typeof dossierInput>;

export const escalationInput = z.strictObject({
  direction: z.enum(["up", "down"]),
  toTier: z
    .number()
    .int()
    .min(0)
    .max(99)
    .optional()
    .describe("default: one level up or down; critical tickets may skip one level up"),
  reason: text(2000),
  answer: text(20_000).optional().describe("required when handing back down; kept as an internal note"),
  vendorTeam: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "must be a vendor team slug")
    .optional()
    .describe("Level 3 only; default: the vendor team of the ticket's product"),
  dossier: dossierInput.optional().describe("Level 3 only; merged over the stored latest version"),
  criteriaChecked: z.array(text(500)).max(20).optional(),
});
export type EscalationInput = z.infer<typeof escalationInput>;

export const escalationOptions = z.object({
  key: z.string(),
  tier: z.number(),
  priority: z.string(),
  category: z.string(),
  expedited: z.boolean(),
  moves: z.array(
    z.object({
      toTier: z.number(),
      direction: z.enum(["up", "down"]),
      allowed: z.boolean(),
      code: z.string().nullable(),
      reason: z.string().nullable(),
      criteria: z.array(z.string()),
      dossierRequired: z.boolean(),
      dossierMissing: z.array(z.string()),
    }),
  ),
});
export type EscalationOptions = z.infer<typeof escalationOptions>;

const attachmentRef = z.object({
  id: z.number(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  url: z.string(),
});
const author = z.object({ id: z.number(), name: z.string() }).nullable();

/** The dossier as handed to a vendor tracker: one flat issue with its title, labels and fields. */
export const dossierView = z.object({
  ticket: z.object({
    key: z.string(),
    url: z.string(),
    subject: z.string(),
    category: z.string(),
    priority: z.string(),
    status: z.string(),
    tier: z.number(),
  }),
  version: z.number(),
  createdAt: z.string(),
  createdBy: author,
  complete: z.boolean(),
  missing: z.array(z.string()),
  title: z.string(),
  labels: z.array(z.string()),
  site: z.object({ code: z.string(), name: z.string(), country: z.string() }),
  product: z.object({
    name: z.string().nullable(),
    version: z.string().nullable(),
    module: z.string().nullable(),
  }),
  summary: z.string().nullable(),
  description: z.string().nullable(),
  stepsToReproduce: z.array(z.string()),
  applicationUrl: z.string().nullable(),
  impactedUsers: z.string().nullable(),
  impactedRoles: z.array(z.string()),
  browserAndDevice: z.string().nullable(),
  evidence: z.object({ attachments: z.array(attachmentRef), noEvidenceReason: z.string().nullable() }),
  severity: z.enum(SEVERITIES).nullable(),
  workaroundExists: z.boolean().nullable(),
  workaround: z.string().nullable(),
});
export type DossierView = z.infer<typeof dossierView>;

export const dossierQuery = z.strictObject({
  format: z.enum(["json", "markdown"]).default("json"),
  version: z.coerce.number().int().positive().max(1_000_000).optional(),
});

export const dossierVersions = z.object({
  items: z.array(
    z.object({
      version: z.number(),
      createdAt: z.string(),
      createdBy: author,
      complete: z.boolean(),
      missing: z.array(z.string()),
    }),
  ),
});

export const onCallInput = z.strictObject({
  entries: z
    .array(
      z.strictObject({
        userId: z
          .number()
          .int()
          .positive()
          .max(2 ** 31 - 1),
        tier: z.number().int().min(1).max(3),
      }),
    )
    .max(200),
});
export const onCall = z.object({
  site: z.string(),
  entries: z.array(z.object({ userId: z.number(), name: z.string(), tier: z.number() })),
});
export type OnCallView = z.infer<typeof onCall>;
