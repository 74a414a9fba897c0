import type { Db } from "../../../db/database.js";

/** SQL of the web request form: what each submission became. */
export function createWebFormRepository() {
  return {
    /** Records a submission once; answers whether this call recorded it (so its receipt is sent once). */
    async recordRequest(
      tx: Db,
      row: {
        ticket_id: number;
        contact_id: number;
        anonymous: number;
        language: string;
        ip: string | null;
        created_at: number;
        fingerprint: string;
      },
    ): Promise<boolean> {
      const r = await tx
        .insertInto("portal_requests")
        .values(row)
        .onConflict((oc) => oc.column("ticket_id").doNothing())
        .returning("ticket_id")
        .executeTakeFirst();
      return !!r;
    },

    /** The form submission that opened the ticket, if it came by the form. */
    async submission(
      ticketId: number,
      exec: Db,
    ): Promise<{ contact_id: number; anonymous: number; fingerprint: string | null } | undefined> {
      return exec
        .selectFrom("portal_requests")
        .select(["contact_id", "anonymous", "fingerprint"])
        .where("ticket_id", "=", ticketId)
        .executeTakeFirst();
    },
  };
}
