import { type Actor, hasRole, isEngineer, SITE_READ_ROLES, sitesWithRole } from "../../shared/actor.js";
import type { Policy } from "../../shared/policy.js";

/** A canned reply as the policies see it: which site offers it (null: every site). */
export type CannedSubject = { siteId: number | null };

const keeps = (a: Actor, c: CannedSubject) =>
  a.hubAdmin || (c.siteId !== null && hasRole(a, c.siteId, ["coordinator"]));

/**
 * Staff anywhere, and engineers (who write on tickets of every site), may use the hub-wide replies.
 * A site's own replies are its staff's: an engineer sees of a site only the Level 3 tickets that reach
 * their vendor team, and a site's texts (its phone numbers, offices, local procedures) are not part of
 * what reaches them; the hub-wide ones are written for everyone.
 */
const readsHubWide = (a: Actor) =>
  a.hubAdmin || isEngineer(a) || sitesWithRole(a, SITE_READ_ROLES).length > 0;

/** Hub admins keep every canned reply (hub configuration), a site's coordinators keep the site's; its staff use them. */
export const cannedPolicy = {
  read: (a: Actor, c: CannedSubject) =>
    c.siteId === null ? readsHubWide(a) : a.hubAdmin || hasRole(a, c.siteId, SITE_READ_ROLES),
  update: keeps,
  delete: keeps,
} satisfies Policy<CannedSubject>;

/** Who may add a canned reply offered at a site (null: hub-wide). */
export const mayCreateCanned = keeps;

/**
 * The same rule as a filter for lists: whether the hub-wide replies are readable, and the sites whose
 * own replies are (null: every site's).
 */
export const cannedScope = (a: Actor): { hubWide: boolean; siteIds: number[] | null } => ({
  hubWide: readsHubWide(a),
  siteIds: a.hubAdmin ? null : sitesWithRole(a, SITE_READ_ROLES),
});
