import { type Actor, hasRole, isMember } from "../../../shared/actor.js";
import type { Policy } from "../../../shared/policy.js";

type SiteRef = { siteId: number };

/** A site's WhatsApp settings: hub admins configure them, the site's coordinators read them; others do not see them. */
export const whatsappSettingsPolicy = {
  see: (a: Actor, s: SiteRef) => a.hubAdmin || isMember(a, s.siteId),
  read: (a: Actor, s: SiteRef) => a.hubAdmin || hasRole(a, s.siteId, ["coordinator"]),
  write: (a: Actor, _s: SiteRef) => a.hubAdmin,
} satisfies Policy<SiteRef>;
