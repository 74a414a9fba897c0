import { z } from "zod";
import { SITE_ROLES } from "../../shared/actor.js";
import { text } from "../../shared/text.js";
import { languageTag, siteCode } from "../sites/sites.schemas.js";

export const email = z
  .email({ message: "must be an email address" })
  .max(254)
  .transform((e) => e.toLowerCase());
export const password = z
  .string()
  .min(8, "must be at least 8 characters")
  .max(256)
  .refine((s) => !s.includes("\u0000") && s.isWellFormed(), { message: "must be valid text" });

export const membershipInput = z.strictObject({ site: siteCode, role: z.enum(SITE_ROLES) });
export const vendorTeamSlug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "must be lower-case letters, digits and dashes");

export const userInput = z.strictObject({
  email,
  name: text(200),
  password: password.optional(),
  language: languageTag.default("en"),
  hubAdmin: z.boolean().default(false),
  memberships: z.array(membershipInput).max(500).default([]),
  vendorTeams: z.array(vendorTeamSlug).max(50).default([]),
});
export type UserInput = z.infer<typeof userInput>;

export const userUpdate = z.strictObject({
  name: text(200).optional(),
  language: languageTag.optional(),
  disabled: z.boolean().optional(),
  hubAdmin: z.boolean().optional(),
  memberships: z.array(membershipInput).max(500).optional(),
  vendorTeams: z.array(vendorTeamSlug).max(50).optional(),
});
export type UserUpdate = z.infer<typeof userUpdate>;

export const user = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  language: z.string(),
  hubAdmin: z.boolean(),
  disabled: z.boolean(),
  memberships: z.array(z.object({ site: z.string(), role: z.string() })),
  vendorTeams: z.array(z.string()),
  createdAt: z.string(),
  actions: z.array(z.string()),
});
export type UserView = z.infer<typeof user>;

export const userListQuery = z.strictObject({
  site: siteCode.optional(),
  role: z.enum(SITE_ROLES).optional(),
  q: text(100).optional(),
});
export const userParams = z.strictObject({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});
