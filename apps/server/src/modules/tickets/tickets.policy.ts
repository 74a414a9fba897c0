import { type Actor, hasRole, SITE_READ_ROLES, sitesWithRole, WORKING_ROLES } from "../../shared/actor.js";
import type { Policy } from "../../shared/policy.js";

/** What the ticket policies need to know of a ticket. */
export type TicketSubject = {
  siteId: number;
  tier: number;
  vendorTeamId: number | null;
  requesterUserId: number | null;
};

const isOwnRequest = (a: Actor, t: TicketSubject) =>
  t.requesterUserId !== null && t.requesterUserId === a.userId && hasRole(a, t.siteId, ["requester"]);
/** Engineers see only Level 3 tickets handed to their vendor team, at any site. */
const isVendorOn = (a: Actor, t: TicketSubject) =>
  t.tier === 3 && t.vendorTeamId !== null && a.vendorTeamIds.includes(t.vendorTeamId);
const works = (a: Actor, t: TicketSubject) => hasRole(a, t.siteId, WORKING_ROLES);
const staffReads = (a: Actor, t: TicketSubject) => hasRole(a, t.siteId, SITE_READ_ROLES) || isVendorOn(a, t);

export const ticketPolicy = {
  read: (a: Actor, t: TicketSubject) => staffReads(a, t) || isOwnRequest(a, t),
  /** internal notes, internal attachments and the audit trail */
  readInternal: staffReads,
  update: works,
  assign: works,
  changeStatus: (a: Actor, t: TicketSubject) => works(a, t) || isVendorOn(a, t),
  reply: (a: Actor, t: TicketSubject) => works(a, t) || isOwnRequest(a, t),
  note: (a: Actor, t: TicketSubject) => works(a, t) || isVendorOn(a, t),
  attach: (a: Actor, t: TicketSubject) => works(a, t) || isVendorOn(a, t) || isOwnRequest(a, t),
} satisfies Policy<TicketSubject>;

/** Who may open a ticket at a site: its requesters for themselves, its working staff for anyone. */
export const ticketCreatePolicy = {
  create: (a: Actor, siteId: number) => hasRole(a, siteId, [...WORKING_ROLES, "requester"]),
  createForOthers: (a: Actor, siteId: number) => hasRole(a, siteId, WORKING_ROLES),
};

/** The read rule as data for SQL: the repository turns it into a WHERE clause. */
export type TicketScope = {
  staffSiteIds: number[];
  requesterSiteIds: number[];
  userId: number;
  vendorTeamIds: number[];
};

export const ticketScope = (a: Actor): TicketScope => ({
  staffSiteIds: sitesWithRole(a, SITE_READ_ROLES),
  requesterSiteIds: sitesWithRole(a, ["requester"]),
  userId: a.userId,
  vendorTeamIds: [...a.vendorTeamIds],
});
