import { z } from "zod";
import { text } from "../../shared/text.js";

/** Reference-data keys: lower-case words joined by dashes, such as `account-access`. */
export const referenceKey = z
  .string()
  .max(50)
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "must be lower-case letters and digits joined by dashes");
export const categoryParams = z.strictObject({ key: referenceKey });

const checklist = z.array(text(500)).max(20);
/** The checklist shown before escalating to each target tier ("2", "3"). */
export const escalationCriteria = z.strictObject({ "2": checklist.optional(), "3": checklist.optional() });
export type EscalationCriteria = { "2": string[]; "3": string[] };

export const categoryInput = z.strictObject({
  name: text(100),
  criteria: escalationCriteria.default({}),
  active: z.boolean().default(true),
  position: z.number().int().min(0).max(10_000).optional(),
});
export type CategoryInput = z.infer<typeof categoryInput>;

export const category = z.object({
  key: z.string(),
  name: z.string(),
  criteria: z.object({ "2": z.array(z.string()), "3": z.array(z.string()) }),
  active: z.boolean(),
  position: z.number(),
  updatedAt: z.string(),
});
export type CategoryView = z.infer<typeof category>;

export const categoryListQuery = z.strictObject({
  includeInactive: z
    .enum(["true", "false"])
    .default("false")
    .describe("hub admins only: also list retired categories"),
});

export const priorityInput = z.strictObject({
  name: text(100),
  rank: z.number().int().min(0).max(1000),
  expedited: z.boolean().default(false).describe("critical-style: may skip a level and pages on-call people"),
});
export type PriorityInput = z.infer<typeof priorityInput>;

export const priority = z.object({
  key: z.string(),
  name: z.string(),
  rank: z.number(),
  expedited: z.boolean(),
  updatedAt: z.string(),
});
export type PriorityView = z.infer<typeof priority>;
