import { type Actor, type Role, SCOPES, type SiteRole } from "../src/shared/actor.js";

// Fixed ids for pure policy tests: the actor's own site (where its site role is held), a site where
// it holds nothing, the engineer's vendor team and one it is not in.
export const OWN_SITE = 1;
export const OTHER_SITE = 2;
export const OWN_TEAM = 10;
export const OTHER_TEAM = 11;
export const ME = 100;
export const SOMEONE_ELSE = 200;

/** An actor with the given site roles, vendor teams and hub-admin flag, acting through a session. */
export function makeActor(over: {
  roles?: Record<number, SiteRole[]>;
  vendorTeamIds?: number[];
  hubAdmin?: boolean;
}) {
  return {
    userId: ME,
    email: "me@example.org",
    name: "Me",
    hubAdmin: over.hubAdmin ?? false,
    roles: new Map(Object.entries(over.roles ?? {}).map(([site, held]) => [Number(site), new Set(held)])),
    vendorTeamIds: over.vendorTeamIds ?? [],
    scopes: new Set(SCOPES),
    via: "session",
  } satisfies Actor;
}

/** One actor per role of the support model; site roles are held at OWN_SITE only, engineers are in OWN_TEAM. */
export const ROLE_ACTORS: Record<Role, Actor> = {
  requester: makeActor({ roles: { [OWN_SITE]: ["requester"] } }),
  site_admin: makeActor({ roles: { [OWN_SITE]: ["site_admin"] } }),
  agent: makeActor({ roles: { [OWN_SITE]: ["agent"] } }),
  coordinator: makeActor({ roles: { [OWN_SITE]: ["coordinator"] } }),
  manager: makeActor({ roles: { [OWN_SITE]: ["manager"] } }),
  engineer: makeActor({ vendorTeamIds: [OWN_TEAM] }),
  hub_admin: makeActor({ hubAdmin: true }),
};
