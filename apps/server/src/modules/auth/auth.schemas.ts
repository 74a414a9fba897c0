import { z } from "zod";
import { SCOPES } from "../../shared/actor.js";
import { text } from "../../shared/text.js";
import { password } from "../users/users.schemas.js";

export const loginInput = z.strictObject({
  email: z.string().max(254).trim(),
  password: z.string().max(256),
});

export const tokenInput = z.strictObject({
  name: text(100),
  scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export const token = z.object({
  id: z.number(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export const createdToken = token.extend({ token: z.string().describe("Shown once; store it now.") });

export const passwordResetInput = z.strictObject({ token: z.string().min(10).max(200), password });
export const passwordResetLink = z.object({ url: z.string(), expiresAt: z.string() });

export const me = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  hubAdmin: z.boolean(),
  memberships: z.array(z.object({ site: z.string(), role: z.string() })),
  vendorTeams: z.array(z.string()),
  scopes: z.array(z.string()),
  csrfToken: z.string().nullable().describe("Send as X-CSRF-Token with every cookie-authenticated write."),
});
