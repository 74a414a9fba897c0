import { z } from "zod";
import { text } from "../../shared/text.js";

export const RELEASE_STATUSES = ["planned", "shipped", "cancelled"] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

const plannedDate = z.iso.date().describe("YYYY-MM-DD");

export const releaseCreate = z.strictObject({
  product: text(100),
  version: text(50),
  plannedDate: plannedDate.nullable().optional(),
  notes: text(20_000).nullable().optional(),
});
export type ReleaseCreate = z.infer<typeof releaseCreate>;

export const releaseUpdate = z
  .strictObject({
    plannedDate: plannedDate.nullable().optional(),
    notes: text(20_000).nullable().optional(),
    status: z
      .literal("cancelled")
      .optional()
      .describe("Cancel a planned release; its deferred tickets go back to open"),
  })
  .refine((o) => Object.values(o).some((v) => v !== undefined), { message: "nothing to change" });
export type ReleaseUpdate = z.infer<typeof releaseUpdate>;

export const releaseListQuery = z.strictObject({
  product: text(100).optional(),
  status: z.enum(RELEASE_STATUSES).optional(),
});
export type ReleaseListQuery = z.infer<typeof releaseListQuery>;

export const releaseParams = z.strictObject({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});

export const release = z.object({
  id: z.number(),
  product: z.string(),
  version: z.string(),
  plannedDate: z.string().nullable(),
  status: z.enum(RELEASE_STATUSES),
  notes: z.string().nullable(),
  shippedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  actions: z.array(z.string()),
});
export type ReleaseView = z.infer<typeof release>;

/** A ticket deferred to a release, as listed with the release. */
export const deferredTicket = z.object({
  key: z.string(),
  site: z.string(),
  subject: z.string(),
  status: z.string(),
  deferralId: z.number(),
  approvedAt: z.string().nullable(),
});
export type DeferredTicketView = z.infer<typeof deferredTicket>;

export const releaseDetail = release.extend({ deferredTickets: z.array(deferredTicket) });
