import { describe, expect, it } from "vitest";
import { ROLE_ACTORS } from "../../../test/actors.js";
import { ALL_ROLES, type Role } from "../../shared/actor.js";
import { canPlanReleases, releasePolicy } from "./releases.policy.js";

const ACTORS = ROLE_ACTORS;

const READERS: Role[] = ["site_admin", "agent", "coordinator", "manager", "engineer", "hub_admin"];
const PLANNERS: Role[] = ["agent", "coordinator", "hub_admin"];

describe("the release policy matrix", () => {
  for (const role of ALL_ROLES) {
    const reads = READERS.includes(role);
    const plans = PLANNERS.includes(role);
    it(`a ${role} ${reads ? "may" : "may not"} read releases`, () => {
      expect(releasePolicy.read(ACTORS[role], { status: "planned" })).toBe(reads);
    });
    it(`a ${role} ${plans ? "may" : "may not"} plan, ship and cancel releases`, () => {
      expect(canPlanReleases(ACTORS[role])).toBe(plans);
      expect(releasePolicy.ship(ACTORS[role], { status: "planned" })).toBe(plans);
      expect(releasePolicy.cancel(ACTORS[role], { status: "planned" })).toBe(plans);
    });
  }

  it("a shipped release offers no ship or cancel, but its notes can still be edited", () => {
    const agent = ACTORS.agent;
    expect(releasePolicy.ship(agent, { status: "shipped" })).toBe(false);
    expect(releasePolicy.cancel(agent, { status: "shipped" })).toBe(false);
    expect(releasePolicy.update(agent, { status: "shipped" })).toBe(true);
  });

  it("a cancelled release offers nothing", () => {
    const agent = ACTORS.agent;
    for (const action of ["update", "ship", "cancel"] as const)
      expect(releasePolicy[action](agent, { status: "cancelled" })).toBe(false);
  });
});
