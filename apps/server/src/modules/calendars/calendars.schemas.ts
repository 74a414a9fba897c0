import { z } from "zod";

const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, "must be a time HH:MM");
export const weeklyInterval = z.strictObject({
  day: z.number().int().min(0).max(6).describe("0 = Sunday"),
  start: hhmm,
  end: hhmm,
});
/** A calendar holds at most this many holidays, whether set at once or gathered by imports. */
export const MAX_CALENDAR_HOLIDAYS = 2000;

export const holiday = z.strictObject({
  date: z.iso.date({ message: "must be a date YYYY-MM-DD" }),
  name: z.string().trim().max(200).optional(),
});

export const calendarInput = z.strictObject({
  alwaysOpen: z.boolean().default(false),
  weekly: z.array(weeklyInterval).max(100).default([]),
  holidays: z.array(holiday).max(MAX_CALENDAR_HOLIDAYS).default([]),
});
export type CalendarInput = z.infer<typeof calendarInput>;

export const calendar = z.object({
  site: z.string(),
  timeZone: z.string(),
  alwaysOpen: z.boolean(),
  weekly: z.array(z.object({ day: z.number(), start: z.string(), end: z.string() })),
  holidays: z.array(z.object({ date: z.string(), name: z.string().optional() })),
  isDefault: z
    .boolean()
    .describe("true while the site has no calendar of its own: Monday to Friday, 08:00 to 17:00"),
  version: z.number(),
});
export type CalendarView = z.infer<typeof calendar>;
