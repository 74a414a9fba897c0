import { DateTime } from "luxon";

/** Kinds of notice grouped the way people think about them; each group can have its own settings. */
export const KIND_GROUPS = [
  "assignment",
  "activity",
  "watching",
  "escalation",
  "sla",
  "workflow",
  "requests",
] as const;
export type KindGroup = (typeof KIND_GROUPS)[number];

/** The group a notice kind belongs to (unknown kinds count as ticket activity). */
export function groupOf(kind: string): KindGroup {
  const prefix = kind.split(".")[0] ?? "";
  if (kind === "ticket.assigned") return "assignment";
  if (prefix === "watch") return "watching";
  if (prefix === "escalation") return "escalation";
  if (prefix === "sla") return "sla";
  if (prefix === "deferral" || prefix === "release") return "workflow";
  if (prefix === "request") return "requests";
  return "activity";
}

export type ChannelChoice = {
  inApp: boolean;
  email: boolean;
  whatsapp: boolean;
  mode: "immediate" | "digest";
};
export type Preferences = {
  defaults: ChannelChoice & { digestHour: number; timeZone: string };
  groups: Partial<Record<KindGroup, ChannelChoice>>;
};

/** What a user gets before choosing: every notice in-app and by email, right away; digests at 08:00. */
export const DEFAULT_CHOICE: ChannelChoice = { inApp: true, email: true, whatsapp: false, mode: "immediate" };
export const DEFAULT_DIGEST_HOUR = 8;

/** The settings that apply to one kind of notice. */
export const choiceFor = (prefs: Preferences, kind: string): ChannelChoice =>
  prefs.groups[groupOf(kind)] ?? prefs.defaults;

export const isTimeZone = (zone: string): boolean => DateTime.now().setZone(zone).isValid;

/** The next time, after `now`, that the clock in `zone` shows `hour`:00 (a DST gap moves it forward). */
export function nextDigestAt(now: number, hour: number, zone: string): number {
  const local = DateTime.fromMillis(now, { zone: isTimeZone(zone) ? zone : "UTC" });
  let at = local.set({ hour, minute: 0, second: 0, millisecond: 0 });
  if (at.toMillis() <= now) at = at.plus({ days: 1 }).set({ hour });
  return at.toMillis();
}
