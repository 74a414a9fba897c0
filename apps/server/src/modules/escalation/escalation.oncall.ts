import type { Actor } from "../../shared/actor.js";
import type { SitesService } from "../sites/sites.service.js";
import type { UsersService } from "../users/users.service.js";
import { onCallForbidden, onCallNotEligible } from "./escalation.errors.js";
import { mayManageOnCall, ON_CALL_ROLES } from "./escalation.policy.js";
import type { createEscalationRepository } from "./escalation.repository.js";
import type { OnCallView } from "./escalation.schemas.js";

type Deps = {
  repo: ReturnType<typeof createEscalationRepository>;
  sites: SitesService;
  users: UsersService;
};

/** The on-call rota per site and level: who is paged when a critical ticket reaches that level. */
export function createOnCall({ repo, sites, users }: Deps) {
  async function manageableSite(actor: Actor, code: string) {
    await sites.get(actor, code); // 404 for people of other sites
    const site = (await sites.resolveCodes([code])).found[0] as { id: number; code: string };
    if (!mayManageOnCall(actor, site.id)) throw onCallForbidden();
    return site;
  }

  async function eligible(userId: number, siteId: number, tier: number): Promise<boolean> {
    const user = await users.findById(userId);
    if (!user || user.disabled) return false;
    if (tier === 3) return (await users.subject(userId))?.hasVendorTeam ?? false;
    return users.hasSiteRole(userId, siteId, ON_CALL_ROLES[tier as 1 | 2]);
  }

  async function onCall(actor: Actor, code: string): Promise<OnCallView> {
    const site = await manageableSite(actor, code);
    const rows = await repo.onCall(site.id);
    const names = await users.names(rows.map((r) => r.user_id));
    return {
      site: site.code,
      entries: rows.map((r) => ({ userId: r.user_id, name: names.get(r.user_id) ?? "", tier: r.tier })),
    };
  }

  return {
    onCall,
    /** Replaces a site's on-call rota; each person must be able to work the level they are on call for. */
    async setOnCall(
      actor: Actor,
      code: string,
      entries: Array<{ userId: number; tier: number }>,
    ): Promise<OnCallView> {
      const site = await manageableSite(actor, code);
      const faults = [];
      for (const [i, e] of entries.entries()) {
        if (!(await eligible(e.userId, site.id, e.tier)))
          faults.push({
            field: `entries.${i}.userId`,
            message:
              e.tier === 3
                ? "must be an engineer of a vendor team"
                : `must be ${e.tier === 2 ? "an agent or coordinator" : "working staff"} of ${site.code}`,
          });
      }
      if (faults.length) throw onCallNotEligible(faults);
      const unique = [...new Map(entries.map((e) => [`${e.userId}:${e.tier}`, e])).values()];
      await repo.replaceOnCall(site.id, unique);
      return onCall(actor, code);
    },
  };
}
