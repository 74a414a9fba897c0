import { type Actor, isMember } from "../../shared/actor.js";
import type { Policy } from "../../shared/policy.js";

type SiteRef = { id: number };

/** Hub admins configure sites; members of a site may read it. */
export const sitePolicy = {
  read: (actor: Actor, s: SiteRef) => actor.hubAdmin || isMember(actor, s.id),
  update: (actor: Actor, _s: SiteRef) => actor.hubAdmin,
} satisfies Policy<SiteRef>;

export const canCreateSite = (actor: Actor) => actor.hubAdmin;

/** The ids of the sites an actor may list; null means all. */
export const visibleSiteIds = (actor: Actor): number[] | null =>
  actor.hubAdmin ? null : [...actor.roles.keys()];
