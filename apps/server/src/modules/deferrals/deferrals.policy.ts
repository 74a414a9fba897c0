import { type Actor, hasRole } from "../../shared/actor.js";
import type { Policy } from "../../shared/policy.js";
import { type TicketSubject, ticketPolicy } from "../tickets/tickets.policy.js";

/** Who may do what with the deferrals of a ticket; the two-person rule is checked on the deferral. */
export const deferralPolicy = {
  /** staff who read the ticket's internal side, like its audit trail */
  read: (a: Actor, t: TicketSubject) => ticketPolicy.readInternal(a, t),
  propose: (a: Actor, t: TicketSubject) => hasRole(a, t.siteId, ["agent", "coordinator"]),
  decide: (a: Actor, t: TicketSubject) => hasRole(a, t.siteId, ["coordinator"]),
} satisfies Policy<TicketSubject>;

/** One deferral as the action policies see it. */
export type DeferralSubject = { ticket: TicketSubject; state: string; proposedBy: number };

const mayDecide = (a: Actor, d: DeferralSubject) =>
  d.state === "proposed" && d.proposedBy !== a.userId && deferralPolicy.decide(a, d.ticket);

/** The actions shown on a deferral: a waiting proposal is decided by a coordinator other than its proposer. */
export const deferralActionPolicy = {
  approve: mayDecide,
  reject: mayDecide,
} satisfies Policy<DeferralSubject>;
