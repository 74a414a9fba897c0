import { type Actor, hasRole, isMember } from "../../../shared/actor.js";
import type { Policy } from "../../../shared/policy.js";

type SiteRef = { id: number };

/** Channel settings: hub admins write them; the site's coordinators read them (secrets are never shown). */
export const emailSettingsPolicy = {
  read: (a: Actor, s: SiteRef) => a.hubAdmin || hasRole(a, s.id, ["coordinator"]),
  write: (a: Actor, _s: SiteRef) => a.hubAdmin,
} satisfies Policy<SiteRef>;

/** Whether the actor may know the site exists at all (others get 404, not 403). */
export const knowsSite = (a: Actor, s: SiteRef) => a.hubAdmin || isMember(a, s.id);
