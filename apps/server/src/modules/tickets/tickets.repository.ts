import { type ExpressionBuilder, type Selectable, sql } from "kysely";
import { type Db, isPostgres } from "../../db/database.js";
import { FOLD_FROM, FOLD_TO } from "../../db/migrations/0008_ticket_search.js";
import type { Database, TicketsTable } from "../../db/schema.js";
import { containsText, escapeLike } from "../../shared/text.js";
import type { TicketScope } from "./tickets.policy.js";

export type TicketRow = Selectable<TicketsTable> & { requester_user_id: number | null };
/** A ticket with the people its view shows: the requester's contact fields and the assignee's name. */
export type TicketWithPeople = TicketRow & {
  requester_name: string | null;
  requester_email: string | null;
  requester_phone: string | null;
  requester_whatsapp_id: string | null;
  requester_unverified: number | null;
  assignee_name: string | null;
};
/** One level of a ticket's tier history, as read for its page. */
export type TierHistoryRow = {
  tier: number;
  enteredAt: number;
  leftAt: number | null;
  reason: string | null;
};
export type EventInput = {
  type: string;
  actorUserId: number | null;
  before?: object | null;
  after?: object | null;
};

export type TicketFilter = {
  siteIds?: number[];
  statuses?: string[];
  tiers?: number[];
  priorities?: string[];
  categories?: string[];
  assignee?: number | "none";
  contactId?: number;
  slaStates?: string[];
  q?: string;
};
/** Keyset sort; `sla_due_at` is ascending only, with tickets that have no running clock last. */
export type TicketSort = {
  column: "created_at" | "updated_at" | "priority_rank" | "sla_due_at";
  desc: boolean;
};

/** The read policy as SQL: the same rule as ticketPolicy.read, for lists. */
function visibleTo(scope: TicketScope) {
  return (eb: ExpressionBuilder<Database, "tickets">) => {
    const ors = [];
    if (scope.staffSiteIds.length) ors.push(eb("tickets.site_id", "in", scope.staffSiteIds));
    if (scope.requesterSiteIds.length) {
      ors.push(
        eb.and([
          eb("tickets.site_id", "in", scope.requesterSiteIds),
          eb(
            "tickets.contact_id",
            "in",
            eb.selectFrom("contacts").select("contacts.id").where("contacts.user_id", "=", scope.userId),
          ),
        ]),
      );
    }
    if (scope.vendorTeamIds.length) {
      ors.push(eb.and([eb("tickets.tier", "=", 3), eb("tickets.vendor_team_id", "in", scope.vendorTeamIds)]));
    }
    return ors.length ? eb.or(ors) : eb.lit(false);
  };
}

const FOLD = new Map([...FOLD_FROM].map((c, i) => [c, FOLD_TO[i] as string]));
/** The user's text folded as migration 0008's PostgreSQL index folds subjects. */
const foldText = (text: string) => [...text.toLowerCase()].map((c) => FOLD.get(c) ?? c).join("");
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const NOT_WORD = /[^\p{L}\p{N}\p{M}\s]/u;

/**
 * The FTS5 query for the user's text: its words as one phrase whose last word is a prefix
 * ("records pa" finds "Slow search on the records page"). Only letters, digits and marks reach the
 * query, so quotes, `*`, parentheses, NEAR, AND/OR/NOT cannot act as FTS syntax. Null when the text
 * has no word at all.
 */
export function ftsQuery(text: string): string | null {
  const words = text.match(WORD);
  return words ? `"${words.join(" ")}"*` : null;
}

/**
 * Whether a subject matches the search text. PostgreSQL: a case- and accent-insensitive substring
 * (LIKE with wildcards escaped) on the trigram-indexed `search_subject` column (migration 0008, not in
 * the Kysely types: it exists on PostgreSQL only). SQLite: the FTS5 index
 * (whole words, the last one as a prefix, accents ignored); when the text holds anything but words
 * and spaces (`100%`, `field_name`, `C:\reports`), the matches must also contain it literally, so
 * punctuation keeps its old exact meaning; text with no word at all falls back to the scan.
 */
function subjectMatches(text: string, pg: boolean) {
  if (pg) {
    return sql<boolean>`tickets.search_subject like ${`%${escapeLike(foldText(text))}%`} escape '\\'`;
  }
  const match = ftsQuery(text);
  if (match === null) return containsText("tickets.subject", text);
  const fts = sql<boolean>`tickets.id in (select rowid from tickets_fts where tickets_fts match ${match})`;
  return NOT_WORD.test(text) ? sql<boolean>`(${fts} and ${containsText("tickets.subject", text)})` : fts;
}

/**
 * SQLite's statuses as literals in one fixed order: SQLite uses a partial index only when the query
 * repeats the index's condition literally, so the queue's `status in ('new', 'open',
 * 'pending-requester', 'pending-vendor')` reaches `tickets_active_sla_idx` (migration 0012) and the
 * page is read in SLA order instead of sorting every open ticket of the site (bound parameters would
 * not match). The values are the schema's status names, validated before they get here.
 */
const statusLiterals = (statuses: string[]) =>
  sql<boolean>`tickets.status in (${sql.join([...new Set(statuses)].sort().map((s) => sql.lit(s)))})`;

/**
 * A list filter as one WHERE condition (lists and queue counts share it); `bySlaDue` for the queue
 * sorted by SLA due (statusLiterals: only then, since other sorts walk other indexes).
 */
function matching(f: TicketFilter, pg: boolean, bySlaDue = false) {
  return (eb: ExpressionBuilder<Database, "tickets">) => {
    const and = [];
    if (f.siteIds) and.push(eb("tickets.site_id", "in", f.siteIds.length ? f.siteIds : [-1]));
    if (f.statuses)
      and.push(bySlaDue && !pg ? statusLiterals(f.statuses) : eb("tickets.status", "in", f.statuses));
    if (f.tiers) and.push(eb("tickets.tier", "in", f.tiers));
    if (f.priorities) and.push(eb("tickets.priority", "in", f.priorities));
    if (f.categories) and.push(eb("tickets.category", "in", f.categories));
    if (f.slaStates) and.push(eb("tickets.sla_state", "in", f.slaStates));
    if (f.assignee === "none") and.push(eb("tickets.assignee_id", "is", null));
    else if (f.assignee !== undefined) and.push(eb("tickets.assignee_id", "=", f.assignee));
    if (f.contactId !== undefined) and.push(eb("tickets.contact_id", "=", f.contactId));
    if (f.q) {
      const text = f.q;
      and.push(eb.or([subjectMatches(text, pg), eb("tickets.key", "=", text.toUpperCase())]));
    }
    return eb.and(and);
  };
}

/** SQL for tickets and everything hanging off them. Lists are always scoped to what the actor may read. */
export function createTicketsRepository(db: Db) {
  const withRequester = (exec: Db) =>
    exec
      .selectFrom("tickets")
      .innerJoin("contacts", "contacts.id", "tickets.contact_id")
      .selectAll("tickets")
      .select("contacts.user_id as requester_user_id");
  /**
   * A single ticket with its requester's contact fields and its assignee's name in the same statement
   * (issue 7: a ticket read was four round trips). Reading the contacts and users tables here, not
   * through their services, is deliberate and limited to this read model, as withRequester already
   * does; writes to contacts and users still go through their modules. Scalar subqueries rather than
   * joins: better-sqlite3's SQLite re-plans a join with bound parameters on every run (about 0.2 ms),
   * while these stay prepared; PostgreSQL runs them as index lookups either way.
   */
  const withPeople = (exec: Db) =>
    exec
      .selectFrom("tickets")
      .selectAll("tickets")
      .select((eb) => {
        const contact = <C extends "user_id" | "name" | "email" | "phone" | "whatsapp_id" | "unverified">(
          column: C,
        ) =>
          eb
            .selectFrom("contacts")
            .select(`contacts.${column}` as `contacts.${C}`)
            .whereRef("contacts.id", "=", "tickets.contact_id");
        return [
          contact("user_id").as("requester_user_id"),
          contact("name").as("requester_name"),
          contact("email").as("requester_email"),
          contact("phone").as("requester_phone"),
          contact("whatsapp_id").as("requester_whatsapp_id"),
          contact("unverified").as("requester_unverified"),
          eb
            .selectFrom("users")
            .select("users.name")
            .whereRef("users.id", "=", "tickets.assignee_id")
            .as("assignee_name"),
        ];
      });

  /**
   * The ids of the tickets of the filter's sites (and statuses and levels, when given), from the covering
   * index `tickets_site_status_tier_idx`: checked against each FTS match before its row is read, so a
   * word common at other sites and absent from these costs one probe per match, not one row read.
   * The `+` keeps SQLite from driving the search from this list, which would lose the FTS order.
   */
  const siteTickets = (f: TicketFilter) =>
    db
      .selectFrom("tickets as site_ticket")
      .select("site_ticket.id")
      .where("site_ticket.site_id", "in", f.siteIds?.length ? f.siteIds : [-1])
      .$if(f.statuses !== undefined, (q) => q.where("site_ticket.status", "in", f.statuses as string[]))
      .$if(f.tiers !== undefined, (q) => q.where("site_ticket.tier", "in", f.tiers as number[]));

  /**
   * A SQLite search sorted newest first: FTS5 hands out matches by descending rowid, and ticket ids grow
   * with creation time, so the page is read from the index until it is full instead of reading and
   * sorting every match (bench/PLANS.md, "Search"). Newest first therefore means highest id first, and
   * the id alone is the keyset.
   */
  const newestMatches = (
    scope: TicketScope,
    f: TicketFilter,
    text: string,
    match: string,
    beforeId: number | null,
    limit: number,
  ) =>
    withRequester(db)
      .innerJoin(sql<{ rowid: number }>`tickets_fts`.as("tickets_fts"), (j) =>
        j.onRef("tickets_fts.rowid", "=", "tickets.id"),
      )
      .where(sql<boolean>`tickets_fts match ${match}`)
      .$if(NOT_WORD.test(text), (q) => q.where(containsText("tickets.subject", text)))
      .where(visibleTo(scope))
      .where(matching(f, false))
      .$if(f.siteIds !== undefined, (q) => q.where(sql<boolean>`+tickets_fts.rowid in (${siteTickets(f)})`))
      .$if(beforeId !== null, (q) => q.where("tickets.id", "<", beforeId as number))
      .orderBy(sql`tickets_fts.rowid desc`)
      .limit(limit)
      .execute();

  return {
    findByKey: (key: string, exec: Db = db): Promise<TicketWithPeople | undefined> =>
      withPeople(exec).where("tickets.key", "=", key).executeTakeFirst(),

    findById: (id: number, exec: Db = db): Promise<TicketWithPeople | undefined> =>
      withPeople(exec).where("tickets.id", "=", id).executeTakeFirst(),

    /** A ticket for its page: findByKey's row and its tier history (oldest level first), in one statement. */
    async detailByKey(
      key: string,
    ): Promise<(TicketWithPeople & { tierHistory: TierHistoryRow[] }) | undefined> {
      const level = sql`'tier', s.tier, 'enteredAt', s.entered_at, 'leftAt', s.left_at, 'reason', s.reason`;
      const levels = isPostgres(db)
        ? sql`coalesce(json_agg(json_build_object(${level}) order by s.id), '[]'::json)`
        : sql`json_group_array(json_object(${level}) order by s.id)`;
      const history = sql<
        TierHistoryRow[] | string
      >`(select ${levels} from tier_segments s where s.ticket_id = tickets.id)`;
      const row = await withPeople(db)
        .select(history.as("tier_history"))
        .where("tickets.key", "=", key)
        .executeTakeFirst();
      if (!row) return undefined;
      const { tier_history, ...ticket } = row;
      // pg parses json itself; SQLite hands back the text.
      const tierHistory = (
        typeof tier_history === "string" ? JSON.parse(tier_history) : tier_history
      ) as TierHistoryRow[];
      return { ...ticket, tierHistory };
    },

    findByRequestKey: (userId: number, requestKey: string): Promise<TicketRow | undefined> =>
      withRequester(db)
        .where("tickets.created_by", "=", userId)
        .where("tickets.create_request_key", "=", requestKey)
        .executeTakeFirst(),

    /** A ticket opened by channel intake (no signed-in creator) under its request key. */
    findByIntakeKey: (requestKey: string, exec: Db = db): Promise<TicketRow | undefined> =>
      withRequester(exec)
        .where("tickets.created_by", "is", null)
        .where("tickets.create_request_key", "=", requestKey)
        .executeTakeFirst(),

    /** The contact's most recently updated ticket at the site on a channel that is still open, or resolved since `resolvedSince`. */
    latestOpenOfContact: (
      siteId: number,
      contactId: number,
      channel: string,
      resolvedSince: number,
      exec: Db = db,
    ): Promise<TicketRow | undefined> =>
      withRequester(exec)
        .where("tickets.site_id", "=", siteId)
        .where("tickets.contact_id", "=", contactId)
        .where("tickets.channel", "=", channel)
        .where((eb) =>
          eb.or([
            eb("tickets.status", "not in", ["resolved", "closed"]),
            eb.and([eb("tickets.status", "=", "resolved"), eb("tickets.resolved_at", ">=", resolvedSince)]),
          ]),
        )
        .orderBy("tickets.updated_at", "desc")
        .orderBy("tickets.id", "desc")
        .limit(1)
        .executeTakeFirst(),

    message: (id: number, exec: Db = db) =>
      exec.selectFrom("ticket_messages").selectAll().where("id", "=", id).executeTakeFirst(),

    /** One page of visible tickets, keyset-paginated on (sort column, id). */
    async list(
      scope: TicketScope,
      f: TicketFilter,
      sort: TicketSort,
      after: [number | null, number] | null,
      limit: number,
    ) {
      const { q: text, ...filters } = f;
      const match =
        text && sort.column === "created_at" && sort.desc && !isPostgres(db) ? ftsQuery(text) : null;
      // When the text is some ticket's key, that ticket is found outside FTS: the general query below.
      if (
        text &&
        match !== null &&
        !(await withRequester(db).where("tickets.key", "=", text.toUpperCase()).executeTakeFirst())
      ) {
        return newestMatches(scope, filters, text, match, after?.[1] ?? null, limit);
      }
      let q = withRequester(db)
        .where(visibleTo(scope))
        .where(matching(f, isPostgres(db), sort.column === "sla_due_at"));
      const col = `tickets.${sort.column}` as const;
      if (sort.column === "sla_due_at") {
        if (after) {
          const [v, id] = after;
          q = q.where((eb) =>
            v === null
              ? eb.and([eb(col, "is", null), eb("tickets.id", ">", id)])
              : eb.or([
                  eb(col, ">", v),
                  eb.and([eb(col, "=", v), eb("tickets.id", ">", id)]),
                  eb(col, "is", null),
                ]),
          );
        }
        return q
          .orderBy(sql`${sql.ref(col)} asc nulls last`)
          .orderBy("tickets.id", "asc")
          .limit(limit)
          .execute();
      }
      if (after) {
        const [v, id] = after;
        const cmp = sort.desc ? "<" : ">";
        q = q.where((eb) => eb.or([eb(col, cmp, v), eb.and([eb(col, "=", v), eb("tickets.id", cmp, id)])]));
      }
      const dir = sort.desc ? "desc" : "asc";
      return q.orderBy(col, dir).orderBy("tickets.id", dir).limit(limit).execute();
    },

    /**
     * How many visible tickets match each filter, in one statement: one `sum(case ...)` per filter over
     * the rows that match any of them, so the counts of every queue cost one pass.
     */
    async counts(scope: TicketScope, filters: TicketFilter[]): Promise<number[]> {
      if (!filters.length) return [];
      const pg = isPostgres(db);
      const row = await db
        .selectFrom("tickets")
        .where(visibleTo(scope))
        .where((eb) => eb.or(filters.map((f) => matching(f, pg)(eb))))
        .select((eb) =>
          filters.map((f, i) =>
            eb.fn
              .sum<number | string | null>(eb.case().when(matching(f, pg)(eb)).then(1).else(0).end())
              .as(`c${i}`),
          ),
        )
        .executeTakeFirst();
      const r = (row ?? {}) as Record<string, number | string | null>;
      return filters.map((_, i) => Number(r[`c${i}`] ?? 0));
    },

    /**
     * Audit events after an id with what the read policy needs of their tickets, oldest first, for the
     * live stream; `fromId` lets the caller look back over ids that committed out of order.
     */
    changes: (fromId: number, limit: number) =>
      db
        .selectFrom("ticket_events")
        .innerJoin("tickets", "tickets.id", "ticket_events.ticket_id")
        .innerJoin("contacts", "contacts.id", "tickets.contact_id")
        .select([
          "ticket_events.id",
          "ticket_events.type",
          "ticket_events.actor_user_id",
          "ticket_events.created_at",
          "tickets.id as ticket_id",
          "tickets.key",
          "tickets.site_id",
          "tickets.tier",
          "tickets.vendor_team_id",
          "tickets.version",
          "contacts.user_id as requester_user_id",
        ])
        .where("ticket_events.id", ">", fromId)
        .orderBy("ticket_events.id")
        .limit(limit)
        .execute(),

    /** The id of the latest audit event (where a live stream starts). */
    lastEventId: async (): Promise<number> =>
      Number(
        (
          await db
            .selectFrom("ticket_events")
            .select((eb) => eb.fn.max("id").as("id"))
            .executeTakeFirst()
        )?.id ?? 0,
      ),

    /** Applies a change if the ticket is still at the version the caller read; false if not. */
    async update(
      tx: Db,
      id: number,
      version: number,
      patch: Partial<Selectable<TicketsTable>>,
    ): Promise<boolean> {
      const res = await tx
        .updateTable("tickets")
        .set({ ...patch, version: version + 1 })
        .where("id", "=", id)
        .where("version", "=", version)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    /** Writes system-computed fields (the SLA summary) without touching the version people edit against. */
    setSummary: (tx: Db, id: number, summary: { sla_due_at?: number | null; sla_state?: string | null }) =>
      tx.updateTable("tickets").set(summary).where("id", "=", id).execute(),

    /**
     * The same for many tickets: one UPDATE ... FROM (VALUES ...) per 1,000 tickets on either database
     * (SQLite has it since 3.33; PostgreSQL needs the values' types spelled out).
     */
    /**
     * Takes the row locks of tickets in id order (PostgreSQL; SQLite writes one at a time anyway). Anything
     * that writes a ticket's SLA clocks or events takes its ticket's lock first, as a ticket update does,
     * so two writers never hold them in opposite orders.
     */
    async lockRows(tx: Db, ids: number[]): Promise<void> {
      if (!ids.length || !isPostgres(tx)) return;
      await tx
        .selectFrom("tickets")
        .select("id")
        .where(
          "id",
          "in",
          [...new Set(ids)].sort((a, b) => a - b),
        )
        .orderBy("id")
        .forUpdate()
        .execute();
    },

    async setSummaries(
      tx: Db,
      rows: Array<{ ticketId: number; sla_due_at: number | null; sla_state: string | null }>,
    ): Promise<void> {
      const pg = isPostgres(tx);
      for (let i = 0; i < rows.length; i += 1000) {
        const values = rows
          .slice(i, i + 1000)
          .map((r) =>
            pg
              ? sql`(${r.ticketId}::integer, ${r.sla_due_at}::bigint, ${r.sla_state}::text)`
              : sql`(${r.ticketId}, ${r.sla_due_at}, ${r.sla_state})`,
          );
        const v = pg
          ? sql`(values ${sql.join(values)}) as v(id, due, state)`
          : sql`(select column1 as id, column2 as due, column3 as state from (values ${sql.join(values)})) as v`;
        await sql`update tickets set sla_due_at = v.due, sla_state = v.state from ${v} where tickets.id = v.id`.execute(
          tx,
        );
      }
    },

    async addEvents(tx: Db, ticketId: number, events: EventInput[], at: number): Promise<void> {
      if (!events.length) return;
      await tx
        .insertInto("ticket_events")
        .values(
          events.map((e) => ({
            ticket_id: ticketId,
            type: e.type,
            actor_user_id: e.actorUserId,
            before: e.before ? JSON.stringify(e.before) : null,
            after: e.after ? JSON.stringify(e.after) : null,
            created_at: at,
          })),
        )
        .execute();
    },

    insertMessage: (
      tx: Db,
      row: {
        ticket_id: number;
        kind: string;
        author_user_id: number | null;
        author_contact_id: number | null;
        body: string;
        channel: string;
        created_at: number;
        sender_address?: string | null;
        sender_name?: string | null;
        sender_status?: string | null;
      },
    ) => tx.insertInto("ticket_messages").values(row).returning("id").executeTakeFirstOrThrow(),

    /**
     * Makes a held message (an unverified sender's, kept as a note) the requester's public reply;
     * false when it is no longer held (accepted meanwhile).
     */
    async acceptHeld(tx: Db, messageId: number, contactId: number): Promise<boolean> {
      const res = await tx
        .updateTable("ticket_messages")
        .set({ kind: "reply", author_contact_id: contactId, sender_status: "accepted" })
        .where("id", "=", messageId)
        .where("kind", "=", "note")
        .where("sender_status", "=", "unverified")
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    /** Makes the files of one message public (a held message accepted); answers their ids. */
    async publishMessageFiles(tx: Db, ticketId: number, messageId: number): Promise<number[]> {
      const rows = await tx
        .updateTable("attachments")
        .set({ visibility: "public" })
        .where("ticket_id", "=", ticketId)
        .where("message_id", "=", messageId)
        .returning("id")
        .execute();
      return rows.map((r) => r.id);
    },

    /** A page of the thread with each staff author's name (read here, like withPeople, to save a round trip). */
    messages(ticketId: number, includeInternal: boolean, afterId: number, limit: number) {
      let q = db
        .selectFrom("ticket_messages")
        .leftJoin("users as author", "author.id", "ticket_messages.author_user_id")
        .selectAll("ticket_messages")
        .select("author.name as author_name")
        .where("ticket_messages.ticket_id", "=", ticketId)
        .where("ticket_messages.id", ">", afterId);
      if (!includeInternal) q = q.where("ticket_messages.kind", "=", "reply");
      return q.orderBy("ticket_messages.id").limit(limit).execute();
    },

    attachments(ticketId: number, includeInternal: boolean) {
      let q = db.selectFrom("attachments").selectAll().where("ticket_id", "=", ticketId);
      if (!includeInternal) q = q.where("visibility", "=", "public");
      return q.orderBy("id").execute();
    },

    attachment: (ticketId: number, id: number) =>
      db
        .selectFrom("attachments")
        .selectAll()
        .where("ticket_id", "=", ticketId)
        .where("id", "=", id)
        .executeTakeFirst(),

    insertAttachment: (
      tx: Db,
      row: {
        ticket_id: number;
        filename: string;
        content_type: string;
        size: number;
        sha256: string;
        visibility: string;
        uploaded_by_user_id: number | null;
        created_at: number;
      },
    ) =>
      tx
        .insertInto("attachments")
        .values({ ...row, message_id: null })
        .returningAll()
        .executeTakeFirstOrThrow(),

    /** The files of this ticket among these ids that are in no message yet, with who uploaded them. */
    looseAttachments: (tx: Db, ticketId: number, ids: number[]) =>
      ids.length
        ? tx
            .selectFrom("attachments")
            .select(["id", "visibility", "uploaded_by_user_id"])
            .where("ticket_id", "=", ticketId)
            .where("id", "in", ids)
            .where("message_id", "is", null)
            .execute()
        : Promise.resolve([]),

    /** Links loose attachments of this ticket to a message; returns how many were linked. */
    /** Gives a ticket's messages written as one contact to another (a requester confirmed as a known contact). */
    async moveContactMessages(tx: Db, ticketId: number, fromContactId: number, toContactId: number) {
      await tx
        .updateTable("ticket_messages")
        .set({ author_contact_id: toContactId })
        .where("ticket_id", "=", ticketId)
        .where("author_contact_id", "=", fromContactId)
        .execute();
    },

    async linkAttachments(tx: Db, ticketId: number, ids: number[], messageId: number, visibility: string) {
      if (!ids.length) return 0;
      const res = await tx
        .updateTable("attachments")
        .set({ message_id: messageId, visibility })
        .where("ticket_id", "=", ticketId)
        .where("id", "in", ids)
        .where("message_id", "is", null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows);
    },

    /** A page of the audit trail with each actor's name (read here, like withPeople, to save a round trip). */
    events: (ticketId: number, afterId: number, limit: number) =>
      db
        .selectFrom("ticket_events")
        .leftJoin("users as actor", "actor.id", "ticket_events.actor_user_id")
        .selectAll("ticket_events")
        .select("actor.name as actor_name")
        .where("ticket_events.ticket_id", "=", ticketId)
        .where("ticket_events.id", ">", afterId)
        .orderBy("ticket_events.id")
        .limit(limit)
        .execute(),

    /** Closes the open tier segment and opens one at the new tier. */
    /** Ends the ticket's current level and starts the next; a ticket just opened has no level to end. */
    async moveTier(
      tx: Db,
      ticketId: number,
      tier: number,
      at: number,
      by: number | null,
      reason: string | null,
    ) {
      await tx
        .updateTable("tier_segments")
        .set({ left_at: at })
        .where("ticket_id", "=", ticketId)
        .where("left_at", "is", null)
        .execute();
      await tx
        .insertInto("tier_segments")
        .values({ ticket_id: ticketId, tier, entered_at: at, left_at: null, entered_by: by, reason })
        .execute();
    },
  };
}
export type TicketsRepository = ReturnType<typeof createTicketsRepository>;
