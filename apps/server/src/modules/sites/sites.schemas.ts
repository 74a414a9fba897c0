import { z } from "zod";
import { text } from "../../shared/text.js";

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const siteCode = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{1,9}$/, "must be 2 to 10 capital letters or digits, such as ZMB");
export const timeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, { message: "must be an IANA time zone such as Africa/Lusaka" });
export const languageTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a language tag such as en or fr");

export const siteInput = z.strictObject({
  code: siteCode,
  name: text(200),
  country: text(100),
  product: text(100),
  productVersion: text(50).nullable().optional(),
  timeZone,
  languages: z.array(languageTag).min(1).max(20).default(["en"]),
});
export type SiteInput = z.infer<typeof siteInput>;

export const siteUpdate = siteInput.omit({ code: true }).partial();
export type SiteUpdate = z.infer<typeof siteUpdate>;

export const site = z.object({
  code: z.string(),
  name: z.string(),
  country: z.string(),
  product: z.string(),
  productVersion: z.string().nullable(),
  timeZone: z.string(),
  languages: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  actions: z.array(z.string()),
});
export type SiteView = z.infer<typeof site>;

export const siteParams = z.strictObject({ code: siteCode });
