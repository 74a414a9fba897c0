import { type Actor, hasRole, SITE_READ_ROLES, sitesWithRole } from "../../shared/actor.js";
import type { Policy } from "../../shared/policy.js";

/** What the policies need to know of a user. */
export type UserSubject = {
  id: number;
  hubAdmin: boolean;
  siteIds: number[];
  hasVendorTeam: boolean;
  /** holds any role beyond requester at some site */
  isStaff: boolean;
};

const sharesReadableSite = (actor: Actor, u: UserSubject) =>
  u.siteIds.some((s) => hasRole(actor, s, SITE_READ_ROLES));

export const userPolicy = {
  read: (actor: Actor, u: UserSubject) =>
    actor.hubAdmin || actor.userId === u.id || sharesReadableSite(actor, u),
  update: (actor: Actor, _u: UserSubject) => actor.hubAdmin,
  // The classic Level 1 task: a site's admin resets a password for a requester whose every membership is
  // at a site the actor administers; never for staff, a hub admin, a vendor engineer or someone who also
  // belongs to a site the actor does not administer. Agents and coordinators ask their site admin.
  resetPassword: (actor: Actor, u: UserSubject) =>
    actor.hubAdmin ||
    (actor.userId !== u.id &&
      !u.hubAdmin &&
      !u.hasVendorTeam &&
      !u.isStaff &&
      u.siteIds.length > 0 &&
      u.siteIds.every((s) => hasRole(actor, s, ["site_admin"]))),
} satisfies Policy<UserSubject>;

/** The sites whose members the actor may list; null means everyone. */
export const listableSiteIds = (actor: Actor): number[] | null =>
  actor.hubAdmin ? null : sitesWithRole(actor, SITE_READ_ROLES);
