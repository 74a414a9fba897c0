import type { Insertable, Selectable, Updateable } from "kysely";
import type { Db } from "../../../db/database.js";
import type { EmailMailboxesTable, EmailMessagesTable } from "../../../db/schema.js";

export type MailboxRow = Selectable<EmailMailboxesTable>;
export type EmailMessageRow = Selectable<EmailMessagesTable>;

/** How long the set of our own addresses is trusted; another process's new mailbox is seen within it. */
const OWN_ADDRESSES_TTL_MS = 5_000;

/** SQL of the email channel: mailboxes, messages in and out, bounces. */
export function createEmailRepository(db: Db) {
  // Every mail in asks whether its sender is one of our mailboxes (a loop check); the table is tiny
  // and rarely changes, so its enabled addresses are kept, and forgotten at once on a write here.
  let own: { at: number; addresses: Promise<Set<string>> } | null = null;
  const forgetOwn = <T>(result: T): T => {
    own = null;
    return result;
  };
  return {
    mailboxesOfSite: (siteId: number) =>
      db.selectFrom("email_mailboxes").selectAll().where("site_id", "=", siteId).orderBy("id").execute(),

    mailbox: (id: number, exec: Db = db) =>
      exec.selectFrom("email_mailboxes").selectAll().where("id", "=", id).executeTakeFirst(),

    mailboxByAddress: (address: string) =>
      db
        .selectFrom("email_mailboxes")
        .selectAll()
        .where("address", "=", address.toLowerCase())
        .where("enabled", "=", 1)
        .executeTakeFirst(),

    /** Enabled mailboxes that are read over IMAP. */
    imapMailboxes: () =>
      db
        .selectFrom("email_mailboxes")
        .selectAll()
        .where("enabled", "=", 1)
        .where("imap_host", "is not", null)
        .orderBy("id")
        .execute(),

    /** The mailbox a site answers from when a ticket has none of its own: its first enabled one. */
    firstMailboxOfSite: (siteId: number, exec: Db = db) =>
      exec
        .selectFrom("email_mailboxes")
        .selectAll()
        .where("site_id", "=", siteId)
        .where("enabled", "=", 1)
        .orderBy("id")
        .limit(1)
        .executeTakeFirst(),

    /** Whether an address is one of our enabled mailboxes (mail from it is our own coming back). */
    async isOwnAddress(address: string): Promise<boolean> {
      const now = performance.now();
      if (!own || now - own.at > OWN_ADDRESSES_TTL_MS) {
        const addresses = db
          .selectFrom("email_mailboxes")
          .select("address")
          .where("enabled", "=", 1)
          .execute()
          .then((rows) => new Set(rows.map((r) => r.address)));
        own = { at: now, addresses };
        addresses.catch(() => forgetOwn(undefined));
      }
      return (await own.addresses).has(address.toLowerCase());
    },

    insertMailbox: async (row: Insertable<EmailMailboxesTable>) =>
      forgetOwn(await db.insertInto("email_mailboxes").values(row).returningAll().executeTakeFirstOrThrow()),

    updateMailbox: async (id: number, patch: Updateable<EmailMailboxesTable>) =>
      forgetOwn(
        await db
          .updateTable("email_mailboxes")
          .set(patch)
          .where("id", "=", id)
          .returningAll()
          .executeTakeFirstOrThrow(),
      ),

    /**
     * Takes or renews the lease on reading a mailbox; false when another process holds it. Several
     * worker processes may run, but one reads a mailbox at a time.
     */
    async claimReader(id: number, readerId: string, now: number, until: number): Promise<boolean> {
      const res = await db
        .updateTable("email_mailboxes")
        .set({ reader_id: readerId, reader_until: until })
        .where("id", "=", id)
        .where((eb) =>
          eb.or([eb("reader_id", "is", null), eb("reader_id", "=", readerId), eb("reader_until", "<", now)]),
        )
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    releaseReader: (id: number, readerId: string) =>
      db
        .updateTable("email_mailboxes")
        .set({ reader_id: null, reader_until: null })
        .where("id", "=", id)
        .where("reader_id", "=", readerId)
        .execute(),

    /** A new UIDVALIDITY means the server renumbered the folder: start over; Message-IDs keep it once-only. */
    resetCursor: (id: number, uidValidity: number) =>
      db
        .updateTable("email_mailboxes")
        .set({ uid_validity: uidValidity, last_uid: 0 })
        .where("id", "=", id)
        .execute(),

    /** Moves the cursor forward only, after the message's transaction committed. */
    advanceCursor: (id: number, uidValidity: number, uid: number) =>
      db
        .updateTable("email_mailboxes")
        .set({ last_uid: uid })
        .where("id", "=", id)
        .where("uid_validity", "=", uidValidity)
        .where("last_uid", "<", uid)
        .execute(),

    noteChecked: (id: number, now: number, error: string | null) =>
      db
        .updateTable("email_mailboxes")
        .set({ last_checked_at: now, last_error: error })
        .where("id", "=", id)
        .execute(),

    /** Whether this mailbox already took the message, by UID or by Message-ID. */
    async alreadyTaken(
      mailboxId: number,
      messageId: string,
      uid: { uidValidity: number; uid: number } | null,
    ): Promise<boolean> {
      const row = await db
        .selectFrom("email_messages")
        .select("id")
        .where("mailbox_id", "=", mailboxId)
        .where((eb) => {
          const byId = eb.and([eb("direction", "=", "in"), eb("message_id", "=", messageId)]);
          return uid
            ? eb.or([byId, eb.and([eb("uid_validity", "=", uid.uidValidity), eb("uid", "=", uid.uid)])])
            : byId;
        })
        .executeTakeFirst();
      return !!row;
    },

    insertMessage: (tx: Db, row: Insertable<EmailMessagesTable>) =>
      tx.insertInto("email_messages").values(row).returningAll().executeTakeFirstOrThrow(),

    /**
     * Tickets of the site that mails with these Message-IDs belong to, newest mail first. The site is
     * the ticket's, so a notice sent through the hub's relay (no mailbox) threads too.
     */
    ticketsByMessageIds: (siteId: number, ids: string[], exec: Db = db) =>
      ids.length
        ? exec
            .selectFrom("email_messages")
            .innerJoin("tickets", "tickets.id", "email_messages.ticket_id")
            .select(["email_messages.message_id", "email_messages.ticket_id"])
            .where("email_messages.message_id", "in", ids)
            .where("tickets.site_id", "=", siteId)
            .orderBy("email_messages.id", "desc")
            .execute()
        : Promise.resolve([]),

    /** Whether the address is one the ticket's requester copied on their mail. */
    async isParticipant(ticketId: number, address: string, exec: Db = db): Promise<boolean> {
      const row = await exec
        .selectFrom("email_participants")
        .select("ticket_id")
        .where("ticket_id", "=", ticketId)
        .where("address", "=", address.toLowerCase())
        .executeTakeFirst();
      return !!row;
    },

    /** Remembers addresses the requester copied on a mail of the ticket (lower case; known ones are kept). */
    addParticipants: async (
      tx: Db,
      ticketId: number,
      emailMessageId: number,
      addresses: string[],
      now: number,
    ): Promise<void> => {
      if (!addresses.length) return;
      await tx
        .insertInto("email_participants")
        .values(
          addresses.map((address) => ({
            ticket_id: ticketId,
            address: address.toLowerCase(),
            email_message_id: emailMessageId,
            created_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(["ticket_id", "address"]).doNothing())
        .execute();
    },

    outboundByMessageId: (messageId: string, exec: Db = db) =>
      exec
        .selectFrom("email_messages")
        .selectAll()
        .where("direction", "=", "out")
        .where("message_id", "=", messageId)
        .executeTakeFirst(),

    /** The latest mail the requester sent on a ticket: what a staff reply answers. */
    lastInbound: (ticketId: number, exec: Db = db) =>
      exec
        .selectFrom("email_messages")
        .selectAll()
        .where("ticket_id", "=", ticketId)
        .where("direction", "=", "in")
        .where("status", "=", "taken")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst(),

    message: (id: number, exec: Db = db) =>
      exec.selectFrom("email_messages").selectAll().where("id", "=", id).executeTakeFirst(),

    byDedupeKey: (key: string, exec: Db = db) =>
      exec.selectFrom("email_messages").selectAll().where("dedupe_key", "=", key).executeTakeFirst(),

    markSent: (id: number, now: number, detail: string | null) =>
      db
        .updateTable("email_messages")
        .set({ status: "sent", sent_at: now, status_detail: detail })
        .where("id", "=", id)
        .execute(),

    markFailed: (id: number, detail: string) =>
      db
        .updateTable("email_messages")
        .set({ status: "failed", status_detail: detail.slice(0, 1000) })
        .where("id", "=", id)
        .execute(),

    /**
     * Inserts a mail unless `max` of its kind already went to its address since `since` (a rate limit,
     * e.g. acknowledgements to one requester an hour): the count and the insert are one statement.
     * Undefined when the limit held it back.
     */
    insertMessageWithin: (
      tx: Db,
      row: Insertable<EmailMessagesTable>,
      since: number,
      max: number,
    ): Promise<EmailMessageRow | undefined> => {
      const cols = Object.keys(row) as Array<keyof typeof row & string>;
      return tx
        .insertInto("email_messages")
        .columns(cols)
        .expression(
          tx
            .selectNoFrom((eb) => cols.map((c) => eb.val(row[c]).as(c)))
            .where(
              (eb) =>
                eb
                  .selectFrom("email_messages")
                  .select((x) => x.fn.countAll().as("n"))
                  .where("to_address", "=", row.to_address ?? "")
                  .where("kind", "=", row.kind)
                  .where("created_at", ">=", since),
              "<",
              max,
            ),
        )
        .returningAll()
        .executeTakeFirst();
    },

    insertBounce: (
      tx: Db,
      row: {
        address: string;
        site_id: number | null;
        contact_id: number | null;
        email_message_id: number | null;
        permanent: number;
        status: string | null;
        diagnostic: string | null;
        created_at: number;
      },
    ) => tx.insertInto("email_bounces").values(row).execute(),

    /** Whether mail to the address bounced for good since a time. */
    async hardBouncedSince(address: string, since: number): Promise<boolean> {
      const row = await db
        .selectFrom("email_bounces")
        .select("id")
        .where("address", "=", address.toLowerCase())
        .where("permanent", "=", 1)
        .where("created_at", ">=", since)
        .limit(1)
        .executeTakeFirst();
      return !!row;
    },

    messagesOfTicket: (ticketId: number) =>
      db
        .selectFrom("email_messages")
        .selectAll()
        .where("ticket_id", "=", ticketId)
        .orderBy("id")
        .limit(500)
        .execute(),
  };
}
export type EmailRepository = ReturnType<typeof createEmailRepository>;
