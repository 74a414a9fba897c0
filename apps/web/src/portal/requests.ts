import { api, unwrap } from "../api/client";
import type { MessageKey } from "../i18n/i18n";

/** Ticket statuses in the words a requester understands. */
export const STATUS_LABEL: Record<string, MessageKey> = {
  new: "portal.status.received",
  open: "portal.status.inProgress",
  "pending-requester": "portal.status.waitingForYou",
  "pending-vendor": "portal.status.inProgress",
  deferred: "portal.status.planned",
  resolved: "portal.status.resolved",
  closed: "portal.status.closed",
};

/** The badge colour of a status. */
export const statusTone = (status: string): string =>
  status === "pending-requester" ? "warn" : status === "resolved" || status === "closed" ? "ok" : "";

let zones: Promise<Map<string, string>> | undefined;
/** The time zone of each site the user may see (asked once per page load). */
export function siteZones(): Promise<Map<string, string>> {
  zones ??= unwrap(api.GET("/api/v1/sites")).then(
    (r) => new Map(r.items.map((s) => [s.code, s.timeZone])),
    () => new Map(),
  );
  return zones;
}
