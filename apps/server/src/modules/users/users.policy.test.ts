import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeActor, OTHER_SITE, OWN_SITE, ROLE_ACTORS } from "../../../test/actors.js";
import { createHarness, type Harness } from "../../../test/harness.js";
import { type Actor, ALL_ROLES, type Role, SCOPES } from "../../shared/actor.js";
import { allowedActions } from "../../shared/policy.js";
import { DEMO_USERS } from "../demo/demo.data.js";
import { type UserSubject, userPolicy } from "./users.policy.js";

const ACTORS = ROLE_ACTORS;

const person = (id: number, siteIds: number[], extra: Partial<UserSubject> = {}): UserSubject => ({
  id,
  hubAdmin: false,
  siteIds,
  hasVendorTeam: false,
  isStaff: false,
  ...extra,
});

/** The people the matrix looks at, from the actor's point of view ("their site" is OWN_SITE). */
const SUBJECTS = {
  themselves: (a: Actor) =>
    person(a.userId, [...a.roles.keys()], {
      hubAdmin: a.hubAdmin,
      hasVendorTeam: a.vendorTeamIds.length > 0,
      isStaff: [...a.roles.values()].some((r) => [...r].some((x) => x !== "requester")),
    }),
  "a requester of their site": () => person(201, [OWN_SITE]),
  "a colleague who works only at their site": () => person(202, [OWN_SITE], { isStaff: true }),
  "someone of their site who also belongs to another site": () => person(203, [OWN_SITE, OTHER_SITE]),
  "someone of another site only": () => person(204, [OTHER_SITE]),
  "a hub admin": () => person(205, [], { hubAdmin: true }),
  "a hub admin who is also a member of their site": () => person(206, [OWN_SITE], { hubAdmin: true }),
  "a vendor engineer": () => person(207, [], { hasVendorTeam: true }),
  "a vendor engineer who is also a member of their site": () =>
    person(208, [OWN_SITE], { hasVendorTeam: true }),
  "someone with no site and no vendor team": () => person(209, []),
} satisfies Record<string, (a: Actor) => UserSubject>;
type Subject = keyof typeof SUBJECTS;

const ACTIONS = ["read", "update", "resetPassword"] as const satisfies ReadonlyArray<keyof typeof userPolicy>;
const Y = true;
const N = false;
type Row = [Role, Subject, boolean, boolean, boolean];

// Staff who read a site (site admins, agents, coordinators, managers) see its people; only hub admins
// change accounts. A password reset is a site admin's Level 1 fix for people who belong only to sites
// the actor administers (agents and coordinators ask their site admin), never for a hub admin, a vendor
// engineer or oneself (that goes through the forgotten-password link).
// Staff (anyone holding more than the requester role) are reset by hub admins only, so a site admin
// cannot take over a colleague's account: see "a colleague who works only at their site".
// biome-ignore format: the matrix reads best aligned
const USER_MATRIX: Row[] = [
  //                                                                        read update resetPassword
  ["requester",   "themselves",                                             Y,   N,     N],
  ["requester",   "a requester of their site",                              N,   N,     N],
  ["requester",   "a colleague who works only at their site",               N,   N,     N],
  ["requester",   "someone of their site who also belongs to another site", N,   N,     N],
  ["requester",   "someone of another site only",                           N,   N,     N],
  ["requester",   "a hub admin",                                            N,   N,     N],
  ["requester",   "a vendor engineer",                                      N,   N,     N],
  ["site_admin",  "themselves",                                             Y,   N,     N],
  ["site_admin",  "a requester of their site",                              Y,   N,     Y],
  ["site_admin",  "a colleague who works only at their site",               Y,   N,     N],
  ["site_admin",  "someone of their site who also belongs to another site", Y,   N,     N],
  ["site_admin",  "someone of another site only",                           N,   N,     N],
  ["site_admin",  "a hub admin",                                            N,   N,     N],
  ["site_admin",  "a hub admin who is also a member of their site",         Y,   N,     N],
  ["site_admin",  "a vendor engineer",                                      N,   N,     N],
  ["site_admin",  "a vendor engineer who is also a member of their site",   Y,   N,     N],
  ["site_admin",  "someone with no site and no vendor team",                N,   N,     N],
  ["agent",       "themselves",                                             Y,   N,     N],
  ["agent",       "a requester of their site",                              Y,   N,     N],
  ["agent",       "a colleague who works only at their site",               Y,   N,     N],
  ["agent",       "someone of their site who also belongs to another site", Y,   N,     N],
  ["agent",       "someone of another site only",                           N,   N,     N],
  ["agent",       "a hub admin who is also a member of their site",         Y,   N,     N],
  ["agent",       "a vendor engineer who is also a member of their site",   Y,   N,     N],
  ["coordinator", "themselves",                                             Y,   N,     N],
  ["coordinator", "a requester of their site",                              Y,   N,     N],
  ["coordinator", "someone of their site who also belongs to another site", Y,   N,     N],
  ["coordinator", "someone of another site only",                           N,   N,     N],
  ["coordinator", "a vendor engineer who is also a member of their site",   Y,   N,     N],
  ["manager",     "themselves",                                             Y,   N,     N],
  ["manager",     "a requester of their site",                              Y,   N,     N],
  ["manager",     "a colleague who works only at their site",               Y,   N,     N],
  ["manager",     "someone of their site who also belongs to another site", Y,   N,     N],
  ["manager",     "someone of another site only",                           N,   N,     N],
  ["manager",     "a hub admin",                                            N,   N,     N],
  ["engineer",    "themselves",                                             Y,   N,     N],
  ["engineer",    "a requester of their site",                              N,   N,     N],
  ["engineer",    "someone of another site only",                           N,   N,     N],
  ["engineer",    "a vendor engineer",                                      N,   N,     N],
  ["hub_admin",   "themselves",                                             Y,   Y,     Y],
  ["hub_admin",   "a requester of their site",                              Y,   Y,     Y],
  ["hub_admin",   "someone of their site who also belongs to another site", Y,   Y,     Y],
  ["hub_admin",   "someone of another site only",                           Y,   Y,     Y],
  ["hub_admin",   "a hub admin",                                            Y,   Y,     Y],
  ["hub_admin",   "a vendor engineer",                                      Y,   Y,     Y],
  ["hub_admin",   "someone with no site and no vendor team",                Y,   Y,     Y],
];

const PHRASES: Record<(typeof ACTIONS)[number], string> = {
  read: "see",
  update: "change the account of",
  resetPassword: "issue a password-reset link for",
};
const who = (role: Role) => `${/^[aeiou]/.test(role) ? "an" : "a"} ${role.replace("_", " ")}`;
const cells = USER_MATRIX.flatMap(([role, subject, ...allowed]) =>
  ACTIONS.map((action, i) => ({
    name: `${who(role)} ${allowed[i] ? "may" : "may not"} ${PHRASES[action]} ${subject}`,
    role,
    subject,
    action,
    allowed: allowed[i] as boolean,
  })),
);

describe("the user permission matrix", () => {
  it.each(cells)("$name", ({ role, subject, action, allowed }) => {
    const actor = ACTORS[role];
    expect(userPolicy[action](actor, SUBJECTS[subject](actor))).toBe(allowed);
  });

  it("has a column for every action of the user policy and no other", () => {
    expect([...ACTIONS].sort()).toEqual(Object.keys(userPolicy).sort());
  });

  it("has rows for every role about themselves, people of their site and people of another site", () => {
    for (const role of ALL_ROLES) {
      const subjects = USER_MATRIX.filter((r) => r[0] === role).map((r) => r[1]);
      for (const needed of ["themselves", "a requester of their site", "someone of another site only"]) {
        expect([role, subjects.includes(needed as Subject)]).toEqual([role, true]);
      }
    }
    const pairs = USER_MATRIX.map((r) => `${r[0]} / ${r[1]}`);
    expect(pairs.length).toBe(new Set(pairs).size);
  });

  it("a site admin of two sites may reset the password of someone who belongs to both", () => {
    const twoSites = makeActor({ roles: { [OWN_SITE]: ["site_admin"], [OTHER_SITE]: ["site_admin"] } });
    expect(userPolicy.resetPassword(twoSites, person(300, [OWN_SITE, OTHER_SITE]))).toBe(true);
  });

  it("a site admin who is only an agent at the other site may not reset someone who belongs to both", () => {
    const adminAndAgent = makeActor({ roles: { [OWN_SITE]: ["site_admin"], [OTHER_SITE]: ["agent"] } });
    expect(userPolicy.resetPassword(adminAndAgent, person(303, [OWN_SITE, OTHER_SITE]))).toBe(false);
    expect(userPolicy.resetPassword(adminAndAgent, person(304, [OWN_SITE]))).toBe(true);
  });

  it("a manager who is also a requester elsewhere may not reset anyone's password", () => {
    const mixed = makeActor({ roles: { [OWN_SITE]: ["manager"], [OTHER_SITE]: ["requester"] } });
    expect(userPolicy.resetPassword(mixed, person(301, [OWN_SITE]))).toBe(false);
    expect(userPolicy.read(mixed, person(302, [OTHER_SITE]))).toBe(false);
  });
});

describe("users over HTTP", () => {
  let h: Harness;
  const ids = new Map<string, number>();
  const idOf = (email: string) => ids.get(email) as number;

  beforeAll(async () => {
    h = await createHarness();
    for (const u of DEMO_USERS) {
      const row = await h.ctx.users.findByEmail(u.email);
      if (!row) throw new Error(`no demo user ${u.email}`);
      ids.set(u.email, row.id);
    }
  });
  afterAll(async () => h?.close());

  async function actorOf(email: string): Promise<Actor> {
    const actor = await h.ctx.users.loadActor(idOf(email), new Set(SCOPES), "session");
    if (!actor) throw new Error(`cannot load ${email}`);
    return actor;
  }

  it("a ZMB site admin gets a one-time reset link for a ZMB requester", async () => {
    const admin = await h.as("siteadmin-zmb@demo.test");
    const res = await admin.post(`/api/v1/users/${idOf("requester-zmb@demo.test")}/password-reset`);
    expect(res.statusCode).toBe(201);
    const link = res.json();
    expect(link.url).toMatch(/^http:\/\/tierdesk\.test\/reset-password#token=[\w-]{20,}$/);
    expect(Date.parse(link.expiresAt)).toBeGreaterThan(Date.now());
  });

  it.each(["agent@demo.test", "coordinator@demo.test"])(
    "%s may not issue a reset link for a requester of their site, and no link is made",
    async (email) => {
      const staff = await h.as(email);
      const requesterId = idOf("requester-zmb@demo.test");
      const links = () =>
        h.ctx.database.db
          .selectFrom("password_resets")
          .select("token_hash")
          .where("user_id", "=", requesterId)
          .execute();
      const before = await links();
      const res = await staff.post(`/api/v1/users/${requesterId}/password-reset`);
      expect(res.statusCode).toBe(403);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.json().code).toBe("user.reset_forbidden");
      expect(await links()).toEqual(before);
    },
  );

  it("a ZMB site admin may not reset the password of an agent who also works at other sites", async () => {
    const admin = await h.as("siteadmin-zmb@demo.test");
    const res = await admin.post(`/api/v1/users/${idOf("agent@demo.test")}/password-reset`);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("user.reset_forbidden");
  });

  it("a ZMB site admin cannot even find a hub admin or a vendor engineer to reset", async () => {
    const admin = await h.as("siteadmin-zmb@demo.test");
    for (const email of ["hubadmin@demo.test", "engineer@demo.test"]) {
      const res = await admin.post(`/api/v1/users/${idOf(email)}/password-reset`);
      expect([email, res.statusCode, res.json().code]).toEqual([email, 404, "user.not_found"]);
    }
  });

  it("a BGD site admin cannot find the ZMB requester at all", async () => {
    const admin = await h.as("siteadmin-bgd@demo.test");
    const id = idOf("requester-zmb@demo.test");
    for (const res of [
      await admin.get(`/api/v1/users/${id}`),
      await admin.post(`/api/v1/users/${id}/password-reset`),
      await admin.patch(`/api/v1/users/${id}`, { name: "Renamed" }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.json().code).toBe("user.not_found");
    }
  });

  it("a site admin may see the people of their site but not change their accounts", async () => {
    const admin = await h.as("siteadmin-zmb@demo.test");
    const id = idOf("requester-zmb@demo.test");
    const res = await admin.patch(`/api/v1/users/${id}`, { name: "Renamed" });
    expect(res.statusCode).toBe(403);
    expect((await admin.get(`/api/v1/users/${id}`)).json().name).toBe("Chanda Mulenga");
  });

  it.each(DEMO_USERS.map((u) => u.email))(
    "%s sees, and may reset, exactly the demo users the policy allows",
    async (email) => {
      const client = await h.as(email);
      const actor = await actorOf(email);
      for (const target of DEMO_USERS) {
        const subject = await h.ctx.users.subject(idOf(target.email));
        if (!subject) throw new Error(`no subject for ${target.email}`);
        const got = await client.get(`/api/v1/users/${subject.id}`);
        const reset = await client.post(`/api/v1/users/${subject.id}/password-reset`);
        const cell = `${email} -> ${target.email}`;
        if (!userPolicy.read(actor, subject)) {
          expect([cell, got.statusCode, reset.statusCode]).toEqual([cell, 404, 404]);
          continue;
        }
        expect([cell, got.statusCode]).toEqual([cell, 200]);
        expect([cell, new Set(got.json().actions)]).toEqual([
          cell,
          new Set(allowedActions(userPolicy, actor, subject)),
        ]);
        expect([cell, reset.statusCode]).toEqual([
          cell,
          userPolicy.resetPassword(actor, subject) ? 201 : 403,
        ]);
      }
    },
  );

  it.each(DEMO_USERS.map((u) => u.email))(
    "%s lists every other user they may see and nobody they may not",
    async (email) => {
      const client = await h.as(email);
      const actor = await actorOf(email);
      const res = await client.get("/api/v1/users");
      expect(res.statusCode).toBe(200);
      const listed = new Set((res.json().items as Array<{ id: number }>).map((u) => u.id));
      const others = new Set<number>();
      for (const target of DEMO_USERS) {
        const subject = await h.ctx.users.subject(idOf(target.email));
        if (subject && subject.id !== actor.userId && userPolicy.read(actor, subject)) others.add(subject.id);
      }
      listed.delete(actor.userId);
      expect(listed).toEqual(others);
    },
  );
});
