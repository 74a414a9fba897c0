import { type Actor, hasRole, type SiteRole, WORKING_ROLES } from "../../shared/actor.js";
import type { AppError } from "../../shared/errors.js";
import type { Policy } from "../../shared/policy.js";
import type { TicketSubject } from "../tickets/tickets.policy.js";
import { escalationForbidden, escalationOnClosed, invalidMove } from "./escalation.errors.js";

/** What the escalation rules need to know of a ticket. */
export type EscalationSubject = TicketSubject & { expedited: boolean; closed: boolean };

export const LOWEST_TIER = 1;
export const HIGHEST_TIER = 3;
const LEVEL2_STAFF: readonly SiteRole[] = ["agent", "coordinator"];

const level2 = (a: Actor, t: TicketSubject) => hasRole(a, t.siteId, LEVEL2_STAFF);
const vendorOn = (a: Actor, t: TicketSubject) =>
  t.tier === 3 && t.vendorTeamId !== null && a.vendorTeamIds.includes(t.vendorTeamId);

/** Who may move a ticket between levels and work its Level 3 dossier. */
export const escalationPolicy = {
  escalateToL2: (a: Actor, t: EscalationSubject) => hasRole(a, t.siteId, WORKING_ROLES),
  /** Only Level 2 staff hand a ticket to the vendor. */
  escalateToL3: level2,
  handBackFromL3: (a: Actor, t: EscalationSubject) => level2(a, t) || vendorOn(a, t),
  handBackFromL2: level2,
  editDossier: (a: Actor, t: EscalationSubject) => level2(a, t) || vendorOn(a, t),
} satisfies Policy<EscalationSubject>;

export type MoveRequest = { direction: "up" | "down"; toTier?: number | undefined };
export type MovePlan =
  | { ok: true; from: number; to: number; skipped: boolean }
  | { ok: false; from: number; to: number; error: AppError };

const FORBIDDEN = {
  toL2: "Only the site's working staff (site admins, agents, coordinators) may escalate to Level 2",
  toL3: "Only Level 2 staff (agents and coordinators of the site) may escalate to Level 3",
  fromL3:
    "Only the site's agents and coordinators, or the vendor team on it, may hand a ticket back from Level 3",
  fromL2: "Only the site's agents and coordinators may hand a ticket back from Level 2",
};

/**
 * Decides a level move: its shape first (a real move within L1-L3), then who may make it, then the
 * one-level-at-a-time rule with the expedited skip. Pure, so the options endpoint shows the same verdicts.
 */
export function planMove(actor: Actor, t: EscalationSubject, req: MoveRequest): MovePlan {
  const from = t.tier;
  const up = req.direction === "up";
  const to = req.toTier ?? (up ? from + 1 : from - 1);
  const no = (error: AppError): MovePlan => ({ ok: false, from, to, error });
  if (up ? to <= from : to >= from)
    return no(invalidMove(`toTier ${to} is not ${up ? "above" : "below"} the current Level ${from}`));
  if (to < LOWEST_TIER) return no(invalidMove(`toTier ${to}: a ticket cannot go below Level ${LOWEST_TIER}`));
  if (to > HIGHEST_TIER) return no(invalidMove(`toTier ${to}: Level ${HIGHEST_TIER} is the highest level`));

  if (up) {
    const toL3 = to === 3;
    if (!(toL3 ? escalationPolicy.escalateToL3 : escalationPolicy.escalateToL2)(actor, t))
      return no(escalationForbidden(toL3 ? FORBIDDEN.toL3 : FORBIDDEN.toL2));
  } else {
    const fromL3 = from === 3;
    if (!(fromL3 ? escalationPolicy.handBackFromL3 : escalationPolicy.handBackFromL2)(actor, t))
      return no(escalationForbidden(fromL3 ? FORBIDDEN.fromL3 : FORBIDDEN.fromL2));
  }
  if (t.closed) return no(escalationOnClosed());

  const steps = Math.abs(to - from);
  if (!up && steps > 1)
    return no(
      invalidMove(`toTier ${to}: a ticket is handed back one level at a time (to Level ${from - 1})`),
    );
  if (up && steps > 1 && !(steps === 2 && t.expedited))
    return no(
      invalidMove(
        `toTier ${to}: escalation moves one level at a time; only expedited (critical) tickets may skip one level`,
      ),
    );
  return { ok: true, from, to, skipped: steps > 1 };
}

/** Who keeps a site's on-call rota: hub admins and the site's coordinators. */
export const mayManageOnCall = (a: Actor, siteId: number): boolean =>
  a.hubAdmin || hasRole(a, siteId, ["coordinator"]);

/** Who may be on call for a level at a site (tier 3: vendor engineers, checked by the caller). */
export const ON_CALL_ROLES: Record<1 | 2, readonly SiteRole[]> = { 1: WORKING_ROLES, 2: LEVEL2_STAFF };
