import { z } from "zod";
import { referenceKey } from "../categories/categories.schemas.js";

const minutes = z.number().int().min(1).max(525_600).nullable().default(null);
export const slaPolicyInput = z.strictObject({
  priority: referenceKey,
  tier: z
    .number()
    .int()
    .min(0)
    .max(3)
    .default(0)
    .describe("0: any tier; a row for the ticket's own tier wins"),
  firstResponseMinutes: minutes,
  nextResponseMinutes: minutes,
  resolutionMinutes: minutes,
  warnPercent: z.number().int().min(1).max(99).default(75),
});
export const slaPoliciesInput = z.strictObject({ policies: z.array(slaPolicyInput).max(100) });
export type SlaPolicyInput = z.infer<typeof slaPolicyInput>;

export const slaPolicy = z.object({
  priority: z.string(),
  tier: z.number(),
  firstResponseMinutes: z.number().nullable(),
  nextResponseMinutes: z.number().nullable(),
  resolutionMinutes: z.number().nullable(),
  warnPercent: z.number(),
});

export const slaClock = z.object({
  kind: z.enum(["first_response", "next_response", "resolution"]),
  state: z.enum(["running", "paused", "met", "breached", "stopped"]),
  targetMinutes: z.number(),
  startedAt: z.string(),
  dueAt: z.string().nullable(),
  remainingBusinessMinutes: z.number().nullable(),
  metAt: z.string().nullable(),
  warnedAt: z.string().nullable(),
  breachedAt: z.string().nullable(),
});

export const levelTime = z.object({
  tier: z.number(),
  wallMinutes: z.number(),
  businessMinutes: z.number(),
  segments: z.number(),
});

export const ticketTimes = z.object({
  clocks: z.array(slaClock),
  levels: z.array(levelTime).describe("time spent at each level, wall-clock and in the site's business time"),
  firstResponse: z.object({ wallMinutes: z.number(), businessMinutes: z.number() }).nullable(),
  resolution: z.object({ wallMinutes: z.number(), businessMinutes: z.number() }).nullable(),
});
