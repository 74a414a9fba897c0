import { describe, expect, it } from "vitest";
import {
  ME,
  makeActor,
  OTHER_SITE,
  OTHER_TEAM,
  OWN_SITE,
  OWN_TEAM,
  ROLE_ACTORS,
  SOMEONE_ELSE,
} from "../../../test/actors.js";
import { type Actor, ALL_ROLES, type Role } from "../../shared/actor.js";
import { type TicketSubject, ticketCreatePolicy, ticketPolicy, ticketScope } from "./tickets.policy.js";

// The actor's own site (where a site role is held) and a site where the actor holds nothing.
// The engineer's vendor team and a team the engineer is not in.

const ACTORS = ROLE_ACTORS;

const ticket = (siteId: number, tier: number, vendorTeamId: number | null, requesterUserId: number | null) =>
  ({ siteId, tier, vendorTeamId, requesterUserId }) satisfies TicketSubject;

/** The situations of the matrix, named from the actor's point of view ("their site" is OWN_SITE). */
const SITUATIONS = {
  "an L1 ticket at their site": ticket(OWN_SITE, 1, null, SOMEONE_ELSE),
  "an L3 ticket at their site": ticket(OWN_SITE, 3, OWN_TEAM, SOMEONE_ELSE),
  "an L1 ticket at another site": ticket(OTHER_SITE, 1, null, SOMEONE_ELSE),
  "an L3 ticket at another site": ticket(OTHER_SITE, 3, OWN_TEAM, SOMEONE_ELSE),
  "their own request at their site": ticket(OWN_SITE, 1, null, ME),
  "their own request after its escalation to L3": ticket(OWN_SITE, 3, OWN_TEAM, ME),
  "someone else's request at their site": ticket(OWN_SITE, 1, null, SOMEONE_ELSE),
  "their own request at a site where they hold nothing": ticket(OTHER_SITE, 1, null, ME),
  "someone else's request at another site": ticket(OTHER_SITE, 1, null, SOMEONE_ELSE),
  "an L3 ticket of their vendor team at one site": ticket(OWN_SITE, 3, OWN_TEAM, SOMEONE_ELSE),
  "an L3 ticket of their vendor team at another site": ticket(OTHER_SITE, 3, OWN_TEAM, SOMEONE_ELSE),
  "an L3 ticket of another vendor team": ticket(OWN_SITE, 3, OTHER_TEAM, SOMEONE_ELSE),
  "an L3 ticket with no vendor team": ticket(OWN_SITE, 3, null, SOMEONE_ELSE),
  "an L2 ticket handed back down from their vendor team": ticket(OWN_SITE, 2, OWN_TEAM, SOMEONE_ELSE),
  "an L1 ticket tagged with their vendor team": ticket(OWN_SITE, 1, OWN_TEAM, SOMEONE_ELSE),
  "an L1 ticket at one site": ticket(OWN_SITE, 1, null, SOMEONE_ELSE),
  "an L3 ticket at one site": ticket(OWN_SITE, 3, OWN_TEAM, SOMEONE_ELSE),
  "an L1 ticket at another site where they hold nothing": ticket(OTHER_SITE, 1, null, SOMEONE_ELSE),
} satisfies Record<string, TicketSubject>;
type Situation = keyof typeof SITUATIONS;

/** The columns of the matrix, in the order the rows list them. */
const ACTIONS = [
  "read",
  "readInternal",
  "update",
  "assign",
  "changeStatus",
  "reply",
  "note",
  "attach",
] as const satisfies ReadonlyArray<keyof typeof ticketPolicy>;
type Action = (typeof ACTIONS)[number];
const Y = true;
const N = false;
type Row = [Role, Situation, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean];

// From the support model: requesters read, reply to and attach to their own requests only; site admins,
// agents and coordinators work their sites' tickets at any level; managers read everything of their
// sites and change nothing; engineers see and work (status, notes, files, not public replies) only L3
// tickets of their vendor team, at any site; hub admins configure the hub and see no ticket without a
// membership.
// biome-ignore format: the matrix reads best aligned
const TICKET_MATRIX: Row[] = [
  //                                                                      read readInt update assign status reply note attach
  ["requester",   "their own request at their site",                      Y,   N,      N,     N,     N,     Y,    N,   Y],
  ["requester",   "their own request after its escalation to L3",         Y,   N,      N,     N,     N,     Y,    N,   Y],
  ["requester",   "someone else's request at their site",                 N,   N,      N,     N,     N,     N,    N,   N],
  ["requester",   "their own request at a site where they hold nothing",  N,   N,      N,     N,     N,     N,    N,   N],
  ["requester",   "someone else's request at another site",               N,   N,      N,     N,     N,     N,    N,   N],
  ["site_admin",  "an L1 ticket at their site",                           Y,   Y,      Y,     Y,     Y,     Y,    Y,   Y],
  ["site_admin",  "an L3 ticket at their site",                           Y,   Y,      Y,     Y,     Y,     Y,    Y,   Y],
  ["site_admin",  "an L1 ticket at another site",                         N,   N,      N,     N,     N,     N,    N,   N],
  ["site_admin",  "an L3 ticket at another site",                         N,   N,      N,     N,     N,     N,    N,   N],
  ["agent",       "an L1 ticket at their site",                           Y,   Y,      Y,     Y,     Y,     Y,    Y,   Y],
  ["agent",       "an L3 ticket at their site",                           Y,   Y,      Y,     Y,     Y,     Y,    Y,   Y],
  ["agent",       "an L1 ticket at another site",                         N,   N,      N,     N,     N,     N,    N,   N],
  ["agent",       "an L3 ticket at another site",                         N,   N,      N,     N,     N,     N,    N,   N],
  ["coordinator", "an L1 ticket at their site",                           Y,   Y,      Y,     Y,     Y,     Y,    Y,   Y],
  ["coordinator", "an L3 ticket at their site",                           Y,   Y,      Y,     Y,     Y,     Y,    Y,   Y],
  ["coordinator", "an L1 ticket at another site",                         N,   N,      N,     N,     N,     N,    N,   N],
  ["coordinator", "an L3 ticket at another site",                         N,   N,      N,     N,     N,     N,    N,   N],
  ["manager",     "an L1 ticket at their site",                           Y,   Y,      N,     N,     N,     N,    N,   N],
  ["manager",     "an L3 ticket at their site",                           Y,   Y,      N,     N,     N,     N,    N,   N],
  ["manager",     "an L1 ticket at another site",                         N,   N,      N,     N,     N,     N,    N,   N],
  ["manager",     "an L3 ticket at another site",                         N,   N,      N,     N,     N,     N,    N,   N],
  ["engineer",    "an L3 ticket of their vendor team at one site",        Y,   Y,      N,     N,     Y,     N,    Y,   Y],
  ["engineer",    "an L3 ticket of their vendor team at another site",    Y,   Y,      N,     N,     Y,     N,    Y,   Y],
  ["engineer",    "an L3 ticket of another vendor team",                  N,   N,      N,     N,     N,     N,    N,   N],
  ["engineer",    "an L3 ticket with no vendor team",                     N,   N,      N,     N,     N,     N,    N,   N],
  ["engineer",    "an L2 ticket handed back down from their vendor team", N,   N,      N,     N,     N,     N,    N,   N],
  ["engineer",    "an L1 ticket tagged with their vendor team",           N,   N,      N,     N,     N,     N,    N,   N],
  ["engineer",    "an L1 ticket at one site",                             N,   N,      N,     N,     N,     N,    N,   N],
  ["engineer",    "an L1 ticket at another site where they hold nothing", N,   N,      N,     N,     N,     N,    N,   N],
  ["hub_admin",   "an L1 ticket at one site",                             N,   N,      N,     N,     N,     N,    N,   N],
  ["hub_admin",   "an L3 ticket at one site",                             N,   N,      N,     N,     N,     N,    N,   N],
  ["hub_admin",   "an L1 ticket at another site where they hold nothing", N,   N,      N,     N,     N,     N,    N,   N],
];

const CREATE_ACTIONS = ["create", "createForOthers"] as const satisfies ReadonlyArray<
  keyof typeof ticketCreatePolicy
>;
type CreateRow = [Role, "their site" | "another site", boolean, boolean];

// Requesters open tickets for themselves at their site; working staff open them for anyone there.
// biome-ignore format: the matrix reads best aligned
const CREATE_MATRIX: CreateRow[] = [
  //                              create createForOthers
  ["requester",   "their site",     Y,     N],
  ["requester",   "another site",   N,     N],
  ["site_admin",  "their site",     Y,     Y],
  ["site_admin",  "another site",   N,     N],
  ["agent",       "their site",     Y,     Y],
  ["agent",       "another site",   N,     N],
  ["coordinator", "their site",     Y,     Y],
  ["coordinator", "another site",   N,     N],
  ["manager",     "their site",     N,     N],
  ["manager",     "another site",   N,     N],
  ["engineer",    "their site",     N,     N],
  ["engineer",    "another site",   N,     N],
  ["hub_admin",   "their site",     N,     N],
  ["hub_admin",   "another site",   N,     N],
];

const PHRASES: Record<Action | (typeof CREATE_ACTIONS)[number], string> = {
  read: "read",
  readInternal: "read the internal notes and audit trail of",
  update: "change the fields of",
  assign: "assign",
  changeStatus: "change the status of",
  reply: "reply publicly to",
  note: "add an internal note to",
  attach: "attach files to",
  create: "open a ticket for themselves at",
  createForOthers: "open a ticket on someone's behalf at",
};
const who = (role: Role) => `${/^[aeiou]/.test(role) ? "an" : "a"} ${role.replace("_", " ")}`;

const ticketCells = TICKET_MATRIX.flatMap(([role, situation, ...allowed]) =>
  ACTIONS.map((action, i) => ({
    name: `${who(role)} ${allowed[i] ? "may" : "may not"} ${PHRASES[action]} ${situation}`,
    role,
    situation,
    action,
    allowed: allowed[i] as boolean,
  })),
);
const createCells = CREATE_MATRIX.flatMap(([role, where, ...allowed]) =>
  CREATE_ACTIONS.map((action, i) => ({
    name: `${who(role)} ${allowed[i] ? "may" : "may not"} ${PHRASES[action]} ${where}`,
    role,
    siteId: where === "their site" ? OWN_SITE : OTHER_SITE,
    action,
    allowed: allowed[i] as boolean,
  })),
);

describe("the ticket permission matrix", () => {
  it.each(ticketCells)("$name", ({ role, situation, action, allowed }) => {
    expect(ticketPolicy[action](ACTORS[role], SITUATIONS[situation])).toBe(allowed);
  });

  it.each(createCells)("$name", ({ role, siteId, action, allowed }) => {
    expect(ticketCreatePolicy[action](ACTORS[role], siteId)).toBe(allowed);
  });
});

describe("the matrix is complete", () => {
  it("has a column for every action of the ticket policy and no other", () => {
    expect([...ACTIONS].sort()).toEqual(Object.keys(ticketPolicy).sort());
  });

  it("has a column for every action of the ticket creation policy and no other", () => {
    expect([...CREATE_ACTIONS].sort()).toEqual(Object.keys(ticketCreatePolicy).sort());
  });

  it("has rows for every role on tickets of their own site and of another site", () => {
    for (const role of ALL_ROLES) {
      const sites = new Set(TICKET_MATRIX.filter((r) => r[0] === role).map((r) => SITUATIONS[r[1]].siteId));
      expect([role, [...sites].sort()]).toEqual([role, [OWN_SITE, OTHER_SITE]]);
      const createSites = CREATE_MATRIX.filter((r) => r[0] === role).map((r) => r[1]);
      expect([role, createSites.sort()]).toEqual([role, ["another site", "their site"]]);
    }
  });

  it("lists each role and situation once", () => {
    const pairs = TICKET_MATRIX.map((r) => `${r[0]} / ${r[1]}`);
    expect(pairs.length).toBe(new Set(pairs).size);
  });

  it("covers every engineer tier from 1 to 3 and both their own and another vendor team", () => {
    const engineerTickets = TICKET_MATRIX.filter((r) => r[0] === "engineer").map((r) => SITUATIONS[r[1]]);
    expect(new Set(engineerTickets.map((t) => t.tier))).toEqual(new Set([1, 2, 3]));
    expect(new Set(engineerTickets.map((t) => t.vendorTeamId))).toEqual(
      new Set([OWN_TEAM, OTHER_TEAM, null]),
    );
  });

  it("covers a requester's own requests and other people's", () => {
    const requesterTickets = TICKET_MATRIX.filter((r) => r[0] === "requester").map((r) => SITUATIONS[r[1]]);
    expect(new Set(requesterTickets.map((t) => t.requesterUserId))).toEqual(new Set([ME, SOMEONE_ELSE]));
  });
});

describe("memberships decide, not the hub-admin flag", () => {
  it("a hub admin who also holds an agent membership works that site's tickets like an agent", () => {
    const hubAgent = makeActor({ hubAdmin: true, roles: { [OWN_SITE]: ["agent"] } });
    for (const action of ACTIONS) {
      expect([action, ticketPolicy[action](hubAgent, SITUATIONS["an L1 ticket at their site"])]).toEqual([
        action,
        true,
      ]);
      expect([action, ticketPolicy[action](hubAgent, SITUATIONS["an L1 ticket at another site"])]).toEqual([
        action,
        false,
      ]);
    }
  });

  it("a requester who is also a manager of their site reads internal notes of every ticket there", () => {
    const both = makeActor({ roles: { [OWN_SITE]: ["requester", "manager"] } });
    expect(ticketPolicy.readInternal(both, SITUATIONS["their own request at their site"])).toBe(true);
    expect(ticketPolicy.read(both, SITUATIONS["someone else's request at their site"])).toBe(true);
    expect(ticketPolicy.update(both, SITUATIONS["their own request at their site"])).toBe(false);
  });
});

/** Evaluates the list scope the way the repository's WHERE clause does. */
function inScope(actor: Actor, t: TicketSubject): boolean {
  const s = ticketScope(actor);
  return (
    s.staffSiteIds.includes(t.siteId) ||
    (s.requesterSiteIds.includes(t.siteId) && t.requesterUserId === s.userId) ||
    (t.tier === 3 && t.vendorTeamId !== null && s.vendorTeamIds.includes(t.vendorTeamId))
  );
}

describe("the list scope is the read rule as data", () => {
  it.each([...ALL_ROLES])(
    "for a %s, the list scope selects exactly the tickets the read rule allows",
    (role) => {
      for (const [situation, subject] of Object.entries(SITUATIONS)) {
        expect([situation, inScope(ACTORS[role], subject)]).toEqual([
          situation,
          ticketPolicy.read(ACTORS[role], subject),
        ]);
      }
    },
  );
});
