import type { Db } from "../../../db/database.js";
import type { ContactsService } from "../../contacts/contacts.service.js";
import type { TicketRow } from "../../tickets/tickets.repository.js";
import type { UsersService } from "../../users/users.service.js";
import type { EmailRepository } from "./email.repository.js";

/** How many addresses one mail of the requester may add to a ticket's participants. */
const MAX_COPIED = 20;

/**
 * Who a mail that threads onto a ticket is from, as the ticket knows them:
 * - `requester`: the ticket's contact, by the contact's address or the address of their account;
 * - `participant`: someone the requester copied on an earlier mail of the ticket;
 * - null: anyone else. A ticket key or a Message-ID proves nothing of the sender (anyone who saw one
 *   can copy it), so such mail is held for staff instead of being taken as the requester's.
 * Staff of the site writing from their own address are not known here either: replying by mail is not
 * a staff channel, so their mail is held like anyone's, for them to see in the thread.
 * The From header is what is checked; a forged From of the requester's own address is beyond this
 * check (the mail server's SPF/DKIM/DMARC policy is what refuses those).
 */
export function createSenderCheck(deps: {
  repo: EmailRepository;
  contacts: ContactsService;
  users: UsersService;
  db: Db;
}) {
  const { repo, contacts, users, db } = deps;
  return {
    /** Who the sender of a mail threading onto the ticket is to it: its requester, a participant, or nobody it knows. */
    async whoIs(ticket: TicketRow, address: string): Promise<"requester" | "participant" | null> {
      const from = address.trim().toLowerCase();
      const contact = (await contacts.byIds(db, [ticket.contact_id])).get(ticket.contact_id);
      if (contact?.email?.toLowerCase() === from) return "requester";
      if (contact?.user_id) {
        const user = await users.findById(contact.user_id);
        if (user?.email.toLowerCase() === from) return "requester";
      }
      return (await repo.isParticipant(ticket.id, from)) ? "participant" : null;
    },

    /** Remembers whom the requester copied on a mail of the ticket, besides our mailboxes and themselves. */
    async rememberCopied(
      tx: Db,
      ticketId: number,
      emailId: number,
      sender: string,
      copied: string[],
      now: number,
    ): Promise<void> {
      const others = [];
      for (const a of new Set(copied.map((c) => c.trim().toLowerCase()))) {
        if (!a.includes("@") || a === sender.toLowerCase() || (await repo.isOwnAddress(a))) continue;
        others.push(a);
        if (others.length === MAX_COPIED) break;
      }
      await repo.addParticipants(tx, ticketId, emailId, others, now);
    },
  };
}
export type SenderCheck = ReturnType<typeof createSenderCheck>;
