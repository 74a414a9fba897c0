import { type Actor, hasRole, SITE_READ_ROLES } from "../../shared/actor.js";
import type { Policy } from "../../shared/policy.js";

/** A canned reply as the policies see it: which site offers it (null: every site). */
export type CannedSubject = { siteId: number | null };

const keeps = (a: Actor, c: CannedSubject) =>
  a.hubAdmin || (c.siteId !== null && hasRole(a, c.siteId, ["coordinator"]));

/** Hub admins keep every canned reply, a site's coordinators keep the site's; its staff use them. */
export const cannedPolicy = {
  read: (a: Actor, c: CannedSubject) =>
    a.hubAdmin ||
    a.vendorTeamIds.length > 0 ||
    (c.siteId === null
      ? [...a.roles.keys()].some((s) => hasRole(a, s, SITE_READ_ROLES))
      : hasRole(a, c.siteId, SITE_READ_ROLES)),
  update: keeps,
  delete: keeps,
} satisfies Policy<CannedSubject>;

/** Who may add a canned reply offered at a site (null: hub-wide). */
export const mayCreateCanned = keeps;
