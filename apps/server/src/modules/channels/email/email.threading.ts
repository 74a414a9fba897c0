import { randomUUID } from "node:crypto";
import type { Db } from "../../../db/database.js";
import { systemActor } from "../../../shared/actor.js";
import type { TicketRow } from "../../tickets/tickets.repository.js";
import type { TicketsService } from "../../tickets/tickets.service.js";
import type { EmailRepository } from "./email.repository.js";

const KEY = "[A-Z][A-Z0-9]{1,9}-[1-9][0-9]{0,9}";
const SUBJECT_KEY = new RegExp(`\\[(${KEY})\\]`);

/** The ticket key written in a subject as `[ZMB-1042]`. */
export const keyInSubject = (subject: string): string | null => subject.match(SUBJECT_KEY)?.[1] ?? null;

const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1) || "tierdesk.invalid";

/**
 * A new Message-ID for mail about a ticket (`tierdesk.ZMB-1042.<random uuid>@domain`). The key is there
 * for people reading headers; threading never trusts it: a Message-ID threads only when it is one we
 * recorded, and its random part (122 bits) cannot be guessed from the key.
 */
export const newMessageId = (key: string | null, fromAddress: string): string =>
  `tierdesk.${key ?? "notice"}.${randomUUID()}@${domainOf(fromAddress)}`;

/** The subject of mail about a ticket: the ticket's subject, answered, with its key once. */
export function ticketSubject(subject: string, key: string, prefix = "Re: "): string {
  const base = subject.includes(`[${key}]`) ? subject : `${subject} [${key}]`;
  return /^(re|aw|sv|rif|r|res|tr|fw|fwd)\s*:/i.test(base) ? base : `${prefix}${base}`;
}

/**
 * Finds the ticket of the mailbox's site a mail answers: by In-Reply-To, then References (newest
 * first), each looked up among the mails we took in and sent out, then by the ticket key in the
 * subject. Finding the ticket says nothing of who wrote: the caller checks the sender
 * (email.senders.ts), since a key, and any Message-ID someone was shown, can be copied by anyone.
 */
export async function findThread(
  deps: { repo: EmailRepository; tickets: TicketsService },
  site: { id: number; code: string },
  mail: { inReplyTo: string | null; references: string[]; subject: string },
  exec?: Db,
): Promise<{ ticket: TicketRow; by: "in-reply-to" | "references" | "subject" } | null> {
  const ids = [
    ...new Set([mail.inReplyTo, ...[...mail.references].reverse()].filter((x): x is string => !!x)),
  ];
  const known = await deps.repo.ticketsByMessageIds(site.id, ids, exec);
  for (const id of ids) {
    const hit = known.find((k) => k.message_id === id);
    const ticketId = hit?.ticket_id;
    const ticket = ticketId ? await deps.tickets.rowById(ticketId, exec) : undefined;
    if (ticket) return { ticket, by: id === mail.inReplyTo ? "in-reply-to" : "references" };
  }
  const ticket = await byKey(deps.tickets, site, keyInSubject(mail.subject), exec);
  return ticket ? { ticket, by: "subject" } : null;
}

async function byKey(
  tickets: TicketsService,
  site: { id: number; code: string },
  key: string | null,
  exec?: Db,
) {
  if (!key?.startsWith(`${site.code}-`)) return undefined;
  try {
    const t = await tickets.visibleRow(systemActor, key, exec);
    return t.site_id === site.id ? t : undefined;
  } catch {
    return undefined;
  }
}
