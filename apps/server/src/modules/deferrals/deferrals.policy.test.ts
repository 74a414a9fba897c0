import { describe, expect, it } from "vitest";
import { ME, OTHER_SITE, OWN_SITE, OWN_TEAM, ROLE_ACTORS, SOMEONE_ELSE } from "../../../test/actors.js";
import { ALL_ROLES, type Role } from "../../shared/actor.js";
import type { TicketSubject } from "../tickets/tickets.policy.js";
import { deferralActionPolicy, deferralPolicy } from "./deferrals.policy.js";

const ACTORS = ROLE_ACTORS;

const l3 = (siteId: number): TicketSubject => ({
  siteId,
  tier: 3,
  vendorTeamId: OWN_TEAM,
  requesterUserId: SOMEONE_ELSE,
});

/** Who may, per action, for an L3 ticket at the actor's own site; nobody but a vendor engineer may at another site. */
const EXPECTED: Record<keyof typeof deferralPolicy, { own: Role[]; other: Role[] }> = {
  read: { own: ["site_admin", "agent", "coordinator", "manager", "engineer"], other: ["engineer"] },
  propose: { own: ["agent", "coordinator"], other: [] },
  decide: { own: ["coordinator"], other: [] },
};

describe("the deferral policy matrix", () => {
  for (const [action, expected] of Object.entries(EXPECTED) as Array<
    [keyof typeof deferralPolicy, { own: Role[]; other: Role[] }]
  >) {
    for (const role of ALL_ROLES) {
      for (const [where, siteId, allowed] of [
        ["their site", OWN_SITE, expected.own],
        ["another site", OTHER_SITE, expected.other],
      ] as const) {
        const may = allowed.includes(role);
        it(`a ${role} ${may ? "may" : "may not"} ${action} deferrals of an L3 ticket at ${where}`, () => {
          expect(deferralPolicy[action](ACTORS[role], l3(siteId))).toBe(may);
        });
      }
    }
  }
});

describe("the actions offered on a deferral", () => {
  const coordinator = ACTORS.coordinator;
  const waiting = (proposedBy: number) => ({ ticket: l3(OWN_SITE), state: "proposed", proposedBy });

  it("a coordinator is offered approve and reject on someone else's waiting proposal", () => {
    expect(deferralActionPolicy.approve(coordinator, waiting(SOMEONE_ELSE))).toBe(true);
    expect(deferralActionPolicy.reject(coordinator, waiting(SOMEONE_ELSE))).toBe(true);
  });

  it("a coordinator is not offered a decision on their own proposal: a deferral needs two people", () => {
    expect(deferralActionPolicy.approve(coordinator, waiting(ME))).toBe(false);
    expect(deferralActionPolicy.reject(coordinator, waiting(ME))).toBe(false);
  });

  it("a decided proposal offers no decision to anyone", () => {
    for (const state of ["approved", "rejected", "cancelled"]) {
      expect(deferralActionPolicy.approve(coordinator, { ...waiting(SOMEONE_ELSE), state })).toBe(false);
    }
  });

  it("an agent is not offered a decision", () => {
    expect(deferralActionPolicy.approve(ACTORS.agent, waiting(SOMEONE_ELSE))).toBe(false);
  });
});
