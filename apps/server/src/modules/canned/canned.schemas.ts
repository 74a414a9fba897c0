import { z } from "zod";
import { text } from "../../shared/text.js";
import { siteCode } from "../sites/sites.schemas.js";

const language = z.enum(["en", "fr", "es", "pt", "ar"]);

export const cannedCreate = z.strictObject({
  site: siteCode.nullable().default(null).describe("null: offered at every site (hub admins only)"),
  title: text(200),
  body: text(20_000),
  language: language.nullable().default(null),
});
export type CannedCreate = z.infer<typeof cannedCreate>;

export const cannedUpdate = z
  .strictObject({
    title: text(200).optional(),
    body: text(20_000).optional(),
    language: language.nullable().optional(),
  })
  .refine((o) => Object.keys(o).length > 0, { message: "nothing to change" });
export type CannedUpdate = z.infer<typeof cannedUpdate>;

export const cannedQuery = z.strictObject({
  site: siteCode.optional().describe("the replies offered at this site (its own and the hub-wide ones)"),
});
export const cannedParams = z.strictObject({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});

export const canned = z.object({
  id: z.number(),
  site: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  language: language.nullable(),
  updatedAt: z.string(),
  actions: z.array(z.string()),
});
export type CannedView = z.infer<typeof canned>;
