import { z } from "zod";
import type { Db } from "../../db/database.js";
import type { Jobs } from "../../jobs/jobs.js";
import type { Actor } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso, toIsoOrNull } from "../../shared/clock.js";
import { notFound } from "../../shared/errors.js";

export const DELIVER_JOB = "notifications.deliver";

export type NotificationRequest = {
  userIds: number[];
  kind: string;
  ticketId?: number | null;
  title: string;
  body?: string | null;
  /** the same key for the same occurrence, so a retried job or a repeated sweep notifies once */
  dedupeKey: string;
};

export const notification = z.object({
  id: z.number(),
  kind: z.string(),
  ticketId: z.number().nullable(),
  title: z.string(),
  body: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

/**
 * Notifications to staff: queued as a job in the transaction of the change that causes them, then
 * delivered in-app (and, with the channels, by email) exactly once per person and occurrence.
 */
export function createNotificationsService({ db, clock, jobs }: { db: Db; clock: Clock; jobs: Jobs }) {
  jobs.register({
    name: DELIVER_JOB,
    retryLimit: 8,
    retryDelaySeconds: 5,
    leaseSeconds: 60,
    handler: async (payload) => {
      const req = payload as unknown as NotificationRequest;
      const now = clock.now();
      for (const userId of new Set(req.userIds)) {
        await db
          .insertInto("notifications")
          .values({
            user_id: userId,
            kind: req.kind,
            ticket_id: req.ticketId ?? null,
            title: req.title.slice(0, 500),
            body: req.body?.slice(0, 5000) ?? null,
            dedupe_key: `${req.dedupeKey}:${userId}`,
            created_at: now,
            read_at: null,
          })
          .onConflict((oc) => oc.column("dedupe_key").doNothing())
          .execute();
      }
    },
  });

  return {
    /** Records the notification job in the caller's transaction. */
    async queue(tx: Db, req: NotificationRequest): Promise<void> {
      if (!req.userIds.length) return;
      await jobs.enqueue(tx, DELIVER_JOB, req as unknown as Record<string, unknown>);
    },
    async list(actor: Actor, options: { unreadOnly: boolean; limit: number }) {
      let q = db.selectFrom("notifications").selectAll().where("user_id", "=", actor.userId);
      if (options.unreadOnly) q = q.where("read_at", "is", null);
      const rows = await q.orderBy("id", "desc").limit(options.limit).execute();
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        ticketId: r.ticket_id,
        title: r.title,
        body: r.body,
        createdAt: toIso(r.created_at),
        readAt: toIsoOrNull(r.read_at),
      }));
    },
    async markRead(actor: Actor, id: number): Promise<void> {
      const res = await db
        .updateTable("notifications")
        .set({ read_at: clock.now() })
        .where("id", "=", id)
        .where("user_id", "=", actor.userId)
        .executeTakeFirst();
      if (!Number(res.numUpdatedRows)) throw notFound("notification.not_found", "No such notification");
    },
  };
}
export type NotificationsService = ReturnType<typeof createNotificationsService>;
