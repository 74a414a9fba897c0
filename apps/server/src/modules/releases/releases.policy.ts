import { type Actor, isEngineer, SITE_READ_ROLES, sitesWithRole } from "../../shared/actor.js";
import type { Policy } from "../../shared/policy.js";

/** What the release policies need to know of a release. */
export type ReleaseSubject = { status: string };

/** Level 2 staff of any site plan releases for the whole product, so no site is involved. */
const plans = (a: Actor) => a.hubAdmin || sitesWithRole(a, ["agent", "coordinator"]).length > 0;

export const releasePolicy = {
  /** staff of any site, hub admins and vendor engineers; not requesters */
  read: (a: Actor, _r: ReleaseSubject) =>
    a.hubAdmin || isEngineer(a) || sitesWithRole(a, SITE_READ_ROLES).length > 0,
  update: (a: Actor, r: ReleaseSubject) => plans(a) && r.status !== "cancelled",
  ship: (a: Actor, r: ReleaseSubject) => plans(a) && r.status === "planned",
  cancel: (a: Actor, r: ReleaseSubject) => plans(a) && r.status === "planned",
} satisfies Policy<ReleaseSubject>;

/** Who may add, change, ship or cancel releases: hub admins, agents and coordinators of any site. */
export const canPlanReleases = plans;
