import type { Ok } from "../api/types";
import type { MessageKey } from "../i18n/i18n";
import { t } from "../i18n/i18n";

export type Ticket = Ok<"/api/v1/tickets/{key}", "get">;
export type TicketRow = Ok<"/api/v1/tickets", "get">["items"][number];
export type Queue = Ok<"/api/v1/queues", "get">["items"][number];
export type QueueFilters = Queue["filters"];

export const STATUSES = [
  "new",
  "open",
  "pending-requester",
  "pending-vendor",
  "deferred",
  "resolved",
  "closed",
] as const;

const STATUS: Record<string, MessageKey> = {
  new: "staff.status.new",
  open: "staff.status.open",
  "pending-requester": "staff.status.pendingRequester",
  "pending-vendor": "staff.status.pendingVendor",
  deferred: "staff.status.deferred",
  resolved: "staff.status.resolved",
  closed: "staff.status.closed",
};
/** A status in the staff's words. */
export const statusLabel = (s: string): string => (STATUS[s] ? t(STATUS[s]) : s);

const QUEUE: Record<string, MessageKey> = {
  mine: "staff.queue.mine",
  l1: "staff.queue.l1",
  l2: "staff.queue.l2",
  l3: "staff.queue.l3",
  breaching: "staff.queue.breaching",
  unassigned: "staff.queue.unassigned",
  deferred: "staff.queue.deferred",
};
/** A queue's name: the app's words for a built-in one, the user's for a saved view. */
export const queueName = (q: Queue): string =>
  q.builtin ? t(QUEUE[q.builtin] as MessageKey) : (q.name ?? q.id);

/** The SLA badge of a ticket: its tone and words (breached, due soon, paused, on time). */
export function slaBadge(state: string | null): { tone: string; label: string } | null {
  if (state === "breached") return { tone: "danger", label: t("staff.sla.breached") };
  if (state === "warning") return { tone: "warn", label: t("staff.sla.warning") };
  if (state === "paused") return { tone: "", label: t("staff.sla.paused") };
  if (state === "ok") return { tone: "ok", label: t("staff.sla.ok") };
  return null;
}

/** A level as staff say it: "L2". */
export const tierLabel = (tier: number): string => t("staff.tier", { tier });

/** A duration in hours and minutes ("3 h 20 min"), or days for long ones. */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes >= 48 * 60) return t("staff.duration.days", { count: Math.round(minutes / 1440) });
  if (minutes >= 60) return t("staff.duration.hours", { h: Math.floor(minutes / 60), m: minutes % 60 });
  return t("staff.duration.minutes", { m: minutes });
}

/** The list API's query for a queue's filters. */
export const listQuery = (f: QueueFilters) => ({
  ...(f.site ? { site: f.site } : {}),
  ...(f.status ? { status: f.status } : {}),
  ...(f.tier ? { tier: f.tier } : {}),
  ...(f.priority ? { priority: f.priority } : {}),
  ...(f.category ? { category: f.category } : {}),
  ...(f.assignee !== undefined ? { assignee: f.assignee } : {}),
  ...(f.sla ? { sla: f.sla } : {}),
  ...(f.q ? { q: f.q } : {}),
});

/** Whether a key press came from a field where typing must not trigger shortcuts. */
export const typing = (e: KeyboardEvent): boolean => {
  const el = e.target as HTMLElement | null;
  return (
    e.ctrlKey || e.metaKey || e.altKey || !!el?.closest("input, textarea, select, [contenteditable='true']")
  );
};
