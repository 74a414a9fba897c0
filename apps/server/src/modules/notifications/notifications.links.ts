import { sql } from "kysely";
import type { Db } from "../../db/database.js";
import type { Clock } from "../../shared/clock.js";
import { hmac, safeEqual } from "../../shared/tokens.js";

const DAY = 24 * 60 * 60_000;

/** What a presented link is: good, unknown (never ours, or not for this request), expired or revoked. */
export type LinkState = "valid" | "unknown" | "expired" | "revoked";

/**
 * Signed links that let a requester without an account follow their request: an HMAC over the ticket,
 * its requester (a contact), the time the link was issued and the ticket's link generation, under a key
 * derived from the session secret. A link works for `lifetimeDays` after it was issued; every notice is
 * rendered with a freshly issued one, so a requester who hears from us always holds a live link. Staff
 * revoke all of a ticket's links by raising its generation (the only thing stored); a link for one
 * request opens nothing else, and one made for an earlier requester of the ticket dies with the change.
 *
 * Confirmation links prove that the owner of a mailbox agrees to what an anonymous request claimed
 * (see the web form): they are signed apart, so a follow link cannot stand in for one.
 */
export function createRequesterLinks(deps: {
  db: Db;
  clock: Clock;
  secret: string;
  publicUrl: string;
  lifetimeDays: number;
}) {
  const { db, clock, publicUrl } = deps;
  const lifetimeMs = deps.lifetimeDays * DAY;
  // Links of version 1 carried no date: they are recognised only to be answered as expired.
  const legacyKey = hmac(deps.secret, "tierdesk requester link v1");
  const key = hmac(deps.secret, "tierdesk requester link v2");
  const confirmKey = hmac(deps.secret, "tierdesk requester confirmation v1");

  const sign = (ticketId: number, contactId: number, issuedAt: number, generation: number) =>
    `${issuedAt.toString(36)}.${generation}.${hmac(key, `${ticketId}.${contactId}.${issuedAt}.${generation}`)}`;

  async function generation(ticketId: number, exec: Db = db): Promise<number> {
    const row = await exec
      .selectFrom("requester_links")
      .select("generation")
      .where("ticket_id", "=", ticketId)
      .executeTakeFirst();
    return row?.generation ?? 0;
  }

  /** Splits `<issued, base 36>.<number>.<mac>`; anything else is not a dated link. */
  function parse(candidate: string, macOf: (issuedAt: number, n: number) => string) {
    const m = /^([0-9a-z]{1,11})\.(\d{1,9})\.([\w-]{43})$/.exec(candidate);
    if (!m) return null;
    const issuedAt = Number.parseInt(m[1] as string, 36);
    const n = Number(m[2]);
    return safeEqual(m[3] as string, macOf(issuedAt, n)) ? { issuedAt, n } : null;
  }

  const page = (ticketKey: string, token: string) =>
    `${publicUrl}/portal/requests/${ticketKey}?token=${token}`;
  const token = async (ticketId: number, contactId: number) =>
    sign(ticketId, contactId, clock.now(), await generation(ticketId));

  return {
    lifetimeDays: deps.lifetimeDays,

    /** A link token for this ticket and requester, issued now. */
    token,

    /** The portal page of the request, as sent to the requester, with a link issued now. */
    url: async (ticketKey: string, ticketId: number, contactId: number) =>
      page(ticketKey, await token(ticketId, contactId)),

    /** The portal page of the request opened with a given token. */
    page,

    /** What the presented token is for this ticket and requester. */
    async check(ticketId: number, contactId: number, candidate: string): Promise<LinkState> {
      const link = parse(candidate, (issuedAt, gen) =>
        hmac(key, `${ticketId}.${contactId}.${issuedAt}.${gen}`),
      );
      if (!link)
        return safeEqual(candidate, hmac(legacyKey, `${ticketId}.${contactId}`)) ? "expired" : "unknown";
      if (link.n !== (await generation(ticketId))) return "revoked";
      return clock.now() - link.issuedAt > lifetimeMs ? "expired" : "valid";
    },

    /** Ends every link of the ticket issued so far, in the caller's transaction. */
    async revoke(tx: Db, ticketId: number, byUserId: number | null, now: number): Promise<void> {
      await tx
        .insertInto("requester_links")
        .values({ ticket_id: ticketId, generation: 1, revoked_at: now, revoked_by: byUserId })
        .onConflict((oc) =>
          oc.column("ticket_id").doUpdateSet({
            generation: sql<number>`requester_links.generation + 1`,
            revoked_at: now,
            revoked_by: byUserId,
          }),
        )
        .execute();
    },

    /** The page on which the owner of the address confirms the anonymous request (ticket, unverified contact). */
    confirmUrl: (ticketKey: string, ticketId: number, contactId: number) => {
      const issuedAt = clock.now();
      const mac = hmac(confirmKey, `${ticketId}.${contactId}.${issuedAt}.0`);
      return `${publicUrl}/portal/requests/${ticketKey}/confirm?token=${issuedAt.toString(36)}.0.${mac}`;
    },

    /** Whether a confirmation token is ours for this ticket and contact, and still within the link lifetime. */
    checkConfirmation(ticketId: number, contactId: number, candidate: string): LinkState {
      const link = parse(candidate, (issuedAt, n) =>
        hmac(confirmKey, `${ticketId}.${contactId}.${issuedAt}.${n}`),
      );
      if (!link) return "unknown";
      return clock.now() - link.issuedAt > lifetimeMs ? "expired" : "valid";
    },
  };
}
export type RequesterLinks = ReturnType<typeof createRequesterLinks>;
