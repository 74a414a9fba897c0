import { type Insertable, type Selectable, sql } from "kysely";
import type { Db } from "../../db/database.js";
import { isPostgres } from "../../db/database.js";
import type { TicketsTable } from "../../db/schema.js";

/**
 * Where a site's ticket numbers (the N of `ZMB-N`) come from.
 *
 * - SQLite: the site's row in `site_counters`, incremented inside the creating transaction. SQLite runs
 *   one writer at a time anyway, so this costs no concurrency, and numbers have no gaps.
 * - PostgreSQL: a sequence per site, `ticket_numbers_<site id>` (migration 0016; `site_counters` is
 *   empty there). A counter row would stay locked until the creating transaction commits, so creations
 *   at one site would each wait for the previous one's commit to reach the disk: about 3 ms here, which
 *   capped a site at 160-300 creations a second however many clients or cores. A sequence is never
 *   locked for a transaction. The price, PostgreSQL's usual one: a creation that fails after taking its
 *   number (a lost race of two retries of one request, a crash) leaves that number unused, so a site's
 *   keys are unique and increasing but may skip a number. Nothing reads meaning into a missing key.
 */
export const numberSequence = (siteId: number) => `ticket_numbers_${siteId}`;

/** Sets up a new site's numbers (in the transaction that creates the site), the first one to come being `last + 1`. */
export async function createSiteCounter(tx: Db, siteId: number, last = 0): Promise<void> {
  if (!isPostgres(tx)) {
    await tx.insertInto("site_counters").values({ site_id: siteId, last_number: last }).execute();
    return;
  }
  await sql`create sequence ${sql.id(numberSequence(siteId))} as integer minvalue 1`.execute(tx);
  if (last > 0) await setSiteCounter(tx, siteId, last);
}

/** Makes the site's next number `last + 1` (the bench seed, which writes numbered tickets in bulk). */
export async function setSiteCounter(tx: Db, siteId: number, last: number): Promise<void> {
  if (!isPostgres(tx)) {
    await tx.updateTable("site_counters").set({ last_number: last }).where("site_id", "=", siteId).execute();
    return;
  }
  // setval's third argument false means "the next nextval returns this value".
  await sql`select setval(${numberSequence(siteId)}::regclass, ${last + 1}, false)`.execute(tx);
}

/** The last number the site handed out (0 before its first ticket). */
export async function lastSiteNumber(db: Db, siteId: number): Promise<number> {
  if (!isPostgres(db)) {
    const row = await db
      .selectFrom("site_counters")
      .select("last_number")
      .where("site_id", "=", siteId)
      .executeTakeFirstOrThrow();
    return row.last_number;
  }
  const r = await sql<{ last: number; called: boolean }>`select last_value as last, is_called as called
    from ${sql.id(numberSequence(siteId))}`.execute(db);
  const row = r.rows[0];
  return row?.called ? Number(row.last) : Math.max(0, Number(row?.last ?? 1) - 1);
}

/** What a new ticket is written with: the row (without its number and key) and its first message. */
export type Opening = {
  siteCode: string;
  ticket: Omit<Insertable<TicketsTable>, "number" | "key">;
  message: {
    kind: string;
    author_user_id: number | null;
    author_contact_id: number | null;
    body: string;
    channel: string;
    /** who really sent it, for messages that came in by mail */
    sender_address?: string | null;
    sender_name?: string | null;
    sender_status?: string | null;
  };
  /** who opened it: the actor of `ticket.created` and of the first tier segment (null: the hub, by intake) */
  actorUserId: number | null;
};

/** A new ticket's row: status new at Level 1, version 1, nothing answered or resolved yet. */
export function newTicketRow(
  f: Pick<
    Insertable<TicketsTable>,
    | "site_id"
    | "subject"
    | "priority"
    | "priority_rank"
    | "category"
    | "channel"
    | "contact_id"
    | "assignee_id"
    | "product"
    | "module"
    | "product_version"
    | "created_by"
    | "create_request_key"
  > & { tags: readonly string[]; now: number },
): Opening["ticket"] {
  const { tags, now, ...fields } = f;
  return {
    ...fields,
    status: "new",
    tier: 1,
    vendor_team_id: null,
    tags: JSON.stringify([...new Set(tags)]),
    version: 1,
    created_at: now,
    updated_at: now,
    first_response_at: null,
    resolved_at: null,
    closed_at: null,
  };
}

/**
 * Writes a new ticket with the site's next number and its key, its first message, its first tier
 * segment and its `ticket.created` event, and returns the row as written with the message's id. On
 * PostgreSQL that is one statement, so the number is taken and everything else written in a single
 * round trip. On SQLite (in-process, one writer at a time) the counter row comes first, then the rest.
 */
export async function insertOpened(
  tx: Db,
  o: Opening,
): Promise<{ row: Selectable<TicketsTable>; messageId: number }> {
  const at = o.ticket.created_at;
  const tier = o.ticket.tier;
  const prefix = `${o.siteCode}-`;
  const created = {
    channel: o.ticket.channel,
    priority: o.ticket.priority,
    category: o.ticket.category,
    tier,
  };
  // The rows that hang off the ticket, but for its id (and the event's key-bearing `after`).
  const message = { ...o.message, created_at: at };
  const segment = { tier, entered_at: at, left_at: null, entered_by: o.actorUserId, reason: "opened" };
  const event = { type: "ticket.created", actor_user_id: o.actorUserId, before: null, created_at: at };
  if (isPostgres(tx)) {
    const row = await tx
      .with("n", (w) =>
        w.selectNoFrom(sql<number>`nextval(${numberSequence(o.ticket.site_id)}::regclass)::integer`.as("v")),
      )
      .with("t", (w) =>
        w
          .insertInto("tickets")
          .values({
            ...o.ticket,
            number: sql<number>`(select v from n)`,
            key: sql<string>`${prefix}::text || (select v from n)::text`,
          })
          .returningAll(),
      )
      .with("m", (w) =>
        w
          .insertInto("ticket_messages")
          .values({ ...message, ticket_id: sql<number>`(select id from t)` })
          .returning("id"),
      )
      .with("s", (w) =>
        w.insertInto("tier_segments").values({ ...segment, ticket_id: sql<number>`(select id from t)` }),
      )
      .with("e", (w) =>
        w.insertInto("ticket_events").values({
          ...event,
          ticket_id: sql<number>`(select id from t)`,
          after: sql<string>`(jsonb_build_object('key', (select key from t)) || ${JSON.stringify(created)}::jsonb)::text`,
        }),
      )
      .selectFrom("t")
      .selectAll("t")
      .select(sql<number>`(select id from m)`.as("message_id"))
      .executeTakeFirstOrThrow();
    const { message_id: messageId, ...ticket } = row;
    return { row: ticket as Selectable<TicketsTable>, messageId };
  }
  const { last_number: number } = await tx
    .updateTable("site_counters")
    .set((eb) => ({ last_number: eb("last_number", "+", 1) }))
    .where("site_id", "=", o.ticket.site_id)
    .returning("last_number")
    .executeTakeFirstOrThrow();
  const key = `${prefix}${number}`;
  const row = await tx
    .insertInto("tickets")
    .values({ ...o.ticket, number, key })
    .returningAll()
    .executeTakeFirstOrThrow();
  const { id: messageId } = await tx
    .insertInto("ticket_messages")
    .values({ ...message, ticket_id: row.id })
    .returning("id")
    .executeTakeFirstOrThrow();
  await tx
    .insertInto("tier_segments")
    .values({ ...segment, ticket_id: row.id })
    .execute();
  await tx
    .insertInto("ticket_events")
    .values({ ...event, ticket_id: row.id, after: JSON.stringify({ key, ...created }) })
    .execute();
  return { row, messageId };
}
